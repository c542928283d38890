/* C baseline for pipes, in the seeds' style (raw syscalls, gcc -O2): one process, one pipe, write then read.
   usage: pipe_bench <message size> <count>   prints: <seconds> */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc != 3) { fprintf(stderr, "usage: pipe_bench <size> <count>\n"); return 2; }
    size_t size = (size_t)atol(argv[1]);
    long count = atol(argv[2]);
    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); return 1; }
    char *buf = calloc(1, size);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < count; i++) {
        size_t done = 0;
        while (done < size) { ssize_t n = write(fds[1], buf + done, size - done); if (n < 0) { perror("write"); return 1; } done += (size_t)n; }
        done = 0;
        while (done < size) { ssize_t n = read(fds[0], buf + done, size - done); if (n <= 0) { perror("read"); return 1; } done += (size_t)n; }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.6f\n", (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
    return 0;
}
