/* Lists an image folder with readdir and checks what is there. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "/etc";
    DIR* dir = opendir(path);
    CHECK(dir != NULL);
    int saw_dot = 0, saw_hostname = 0, count = 0;
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        printf("%s\n", entry->d_name);
        if (strcmp(entry->d_name, ".") == 0) saw_dot = 1;
        if (strcmp(entry->d_name, "hostname") == 0) {
            saw_hostname = 1;
            CHECK(entry->d_type == DT_REG);
        }
        ++count;
    }
    closedir(dir);
    CHECK(saw_dot && count >= 4);
    if (strcmp(path, "/etc") == 0) CHECK(saw_hostname);
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(opendir("/etc/hostname") == NULL && errno == ENOTDIR);
    return 0;
}
