/* execve with an empty argv (NULL, or an array holding only NULL): the new
   program gets argc 1 and argv[0] "", as Linux 5.18 and later give. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char** argv) {
    const char* stage = getenv("EXEC_ARGV_STAGE");
    if (!stage) {
        char* envp[] = {"EXEC_ARGV_STAGE=null", NULL};
        char** volatile no_argv = NULL;
        execve("/proc/self/exe", no_argv, envp);
        CHECK(!"execve with a NULL argv returned");
    }
    CHECK(argc == 1 && argv[0] && argv[0][0] == '\0' && argv[1] == NULL);
    if (strcmp(stage, "null") == 0) {
        char* empty_argv[] = {NULL};
        char* envp[] = {"EXEC_ARGV_STAGE=empty", NULL};
        execve("/proc/self/exe", empty_argv, envp);
        CHECK(!"execve with an empty argv returned");
    }
    CHECK(strcmp(stage, "empty") == 0);
    printf("exec_argv ok\n");
    return 0;
}
