/* Tiny self-checking helpers for app tests: a failed CHECK prints where and
   why, and the program exits 1, so `cella run` reports failure. */
#ifndef CELLA_APP_CHECK_H
#define CELLA_APP_CHECK_H
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n", __FILE__, __LINE__, \
                    #cond, errno, strerror(errno));                                         \
            exit(1);                                                                        \
        }                                                                                   \
    } while (0)

#endif
