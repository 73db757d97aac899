/* File-system operations in a folder, timed from inside: prints one
   number, the mean time of one operation.
     file_ops open DIR N        open+close of one file, N times (ns)
     file_ops stat DIR N        stat of one file, N times (ns)
     file_ops write DIR BLOCK R sequential write of a 64 MiB file in BLOCK-byte writes, R passes (ms a pass)
     file_ops read DIR BLOCK R  sequential read of a 64 MiB file in BLOCK-byte reads, R passes (ms a pass)
     file_ops readdir DIR N R   readdir of a folder of N files, R listings (us a listing)
     file_ops create DIR N      creating N empty files in one folder (ns a file)
   What it makes it removes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FILE_SIZE (64L << 20)

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void fail(const char* what) {
    perror(what);
    exit(1);
}

static void write_file(const char* path, char* buffer, long block) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) fail("open for writing");
    for (long done = 0; done < FILE_SIZE; done += block)
        if (write(fd, buffer, (size_t)block) != block) fail("write");
    close(fd);
}

static void make_files(const char* dir, long n) {
    char name[512];
    for (long i = 0; i < n; ++i) {
        snprintf(name, sizeof name, "%s/f%07ld", dir, i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) fail("create");
        close(fd);
    }
}

static void remove_files(const char* dir, long n) {
    char name[512];
    for (long i = 0; i < n; ++i) {
        snprintf(name, sizeof name, "%s/f%07ld", dir, i);
        if (unlink(name) != 0) fail("unlink");
    }
}

int main(int argc, char** argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: file_ops MODE DIR N [R]\n");
        return 2;
    }
    const char* mode = argv[1];
    char dir[256];
    snprintf(dir, sizeof dir, "%s/file_ops-%d", argv[2], getpid());
    if (mkdir(dir, 0700) != 0) fail("mkdir");
    long n = atol(argv[3]);
    long rounds = argc > 4 ? atol(argv[4]) : 1;
    char path[512];
    snprintf(path, sizeof path, "%s/file", dir);
    double start, result;
    if (!strcmp(mode, "open") || !strcmp(mode, "stat")) {
        int fd = open(path, O_WRONLY | O_CREAT, 0600);
        if (fd < 0) fail("create");
        close(fd);
        struct stat st;
        start = now_ns();
        for (long i = 0; i < n; ++i) {
            if (mode[0] == 'o') {
                fd = open(path, O_RDONLY);
                if (fd < 0) fail("open");
                close(fd);
            } else if (stat(path, &st) != 0) {
                fail("stat");
            }
        }
        result = (now_ns() - start) / n;
        unlink(path);
    } else if (!strcmp(mode, "write") || !strcmp(mode, "read")) {
        char* buffer = malloc((size_t)n);
        if (!buffer) fail("malloc");
        memset(buffer, 'x', (size_t)n);
        if (mode[0] == 'r') write_file(path, buffer, n);
        start = now_ns();
        for (long round = 0; round < rounds; ++round) {
            if (mode[0] == 'w') {
                write_file(path, buffer, n);
                continue;
            }
            int fd = open(path, O_RDONLY);
            if (fd < 0) fail("open for reading");
            long total = 0;
            ssize_t got;
            while ((got = read(fd, buffer, (size_t)n)) > 0) total += got;
            if (got < 0 || total != FILE_SIZE) fail("read");
            close(fd);
        }
        result = (now_ns() - start) / rounds / 1e6;
        unlink(path);
        free(buffer);
    } else if (!strcmp(mode, "readdir")) {
        make_files(dir, n);
        start = now_ns();
        for (long round = 0; round < rounds; ++round) {
            DIR* listing = opendir(dir);
            if (!listing) fail("opendir");
            long count = 0;
            while (readdir(listing)) ++count;
            closedir(listing);
            if (count != n + 2) fail("readdir count");
        }
        result = (now_ns() - start) / rounds / 1e3;
        remove_files(dir, n);
    } else if (!strcmp(mode, "create")) {
        start = now_ns();
        make_files(dir, n);
        result = (now_ns() - start) / n;
        remove_files(dir, n);
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    rmdir(dir);
    printf("%.3f\n", result);
    return 0;
}
