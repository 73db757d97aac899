/* argv and envp arrive as given: prints them and checks a few. */
#include <stdio.h>
#include <string.h>

#include "check.h"

extern char** environ;

int main(int argc, char** argv) {
    printf("hello from cella: argc=%d\n", argc);
    for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
    CHECK(argv[argc] == NULL);
    int saw_home = 0;
    for (char** e = environ; *e; ++e)
        if (strcmp(*e, "HOME=/root") == 0) saw_home = 1;
    CHECK(saw_home);
    printf("env ok\n");
    return 0;
}
