/* What a cancellable wait costs, without any .NET: a 24-byte round trip over two pipes between a parent and a forked
   child (run it pinned to one CPU: taskset -c 1), with each side's receive done one of three ways:
     0  a blocking read(2), as tests/bench/ipc_bench.c and Python do (no timeout, no cancellation);
     1  a non-blocking read, then on EAGAIN poll(2) on the descriptor and an eventfd with a timeout, then read again:
        the pattern PSIpc uses so that -Timeout, Ctrl+C and Close end a wait at once;
     4  poll(2) first, with no timeout, then read;
     2  no peer: write then read 24 bytes on one pipe in one process, so nothing waits (what PSIpc.Bench inprocess
        measures for the module); prints the mean per write and read;
     3  no peer: 24-byte writes alone into a pipe enlarged to 1 MiB, drained between rounds; prints the best round's
        mean per write;
     5  as 3, in a process with a second thread (idle, blocked in pause(2)), as every .NET process has: the kernel
        then counts a reference on the file at each system call, which it skips for a single-threaded process.
   usage: wait_pattern <mode> <round trips>      prints: mode <m> p50 <µs>
   gcc -O2 -pthread -o out/bench/wait_pattern tests/bench/wait_pattern.c && taskset -c 1 out/bench/wait_pattern 1 20000 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int mode, ev;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static void receive(int fd, char *buf, int n) {
    if (mode == 0) { while (read(fd, buf, n) < 0 && errno == EINTR) ; return; }
    if (mode == 4) {
        struct pollfd p[2] = { { fd, POLLIN, 0 }, { ev, POLLIN, 0 } };
        while (poll(p, 2, -1) < 0 && errno == EINTR) ;
        while (read(fd, buf, n) < 0 && errno == EINTR) ;
        return;
    }
    for (;;) {
        if (read(fd, buf, n) > 0) return;
        if (errno != EAGAIN && errno != EINTR) { perror("read"); exit(1); }
        struct pollfd p[2] = { { fd, POLLIN, 0 }, { ev, POLLIN, 0 } };
        poll(p, 2, 60000);
    }
}

static void *idle(void *unused) { (void)unused; for (;;) pause(); return NULL; }

static int cmp(const void *a, const void *b) { double d = *(const double *)a - *(const double *)b; return d < 0 ? -1 : d > 0; }

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: wait_pattern 0|1|2|3|4|5 <round trips>\n"); return 2; }
    mode = atoi(argv[1]);
    int n = atoi(argv[2]), down[2], up[2];
    char buf[24] = { 0 };
    if (pipe(down) || pipe(up)) { perror("pipe"); return 1; }
    if (mode == 5) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, idle, NULL)) { perror("pthread_create"); return 1; }
    }
    if (mode == 3 || mode == 5) {
        double best = 1e9;
        fcntl(down[1], F_SETPIPE_SZ, 1 << 20);
        for (int round = 0; round < 30; round++) {
            double t = now();
            for (int i = 0; i < 20000; i++) if (write(down[1], buf, sizeof buf) < 0) return 1;
            double per = (now() - t) / 20000 * 1e6;
            if (per < best) best = per;
            for (int i = 0; i < 20000; i++) if (read(down[0], buf, sizeof buf) < 0) return 1;
        }
        printf("mode %d best %.3f us per write\n", mode, best);
        return 0;
    }
    if (mode == 2) {
        double t = now();
        for (int i = 0; i < n; i++) if (write(down[1], buf, sizeof buf) < 0 || read(down[0], buf, sizeof buf) < 0) return 1;
        printf("mode 2 mean %.2f us per write and read\n", (now() - t) / n * 1e6);
        return 0;
    }
    ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pid_t child = fork();
    int in = child ? up[0] : down[0], out = child ? down[1] : up[1];
    if (mode == 1) fcntl(in, F_SETFL, O_NONBLOCK);
    if (!child) {
        for (int i = 0; i < n; i++) { receive(in, buf, sizeof buf); if (write(out, buf, sizeof buf) < 0) return 1; }
        return 0;
    }
    double *lat = malloc(n * sizeof *lat);
    for (int i = 0; i < n; i++) {
        double t = now();
        if (write(out, buf, sizeof buf) < 0) return 1;
        receive(in, buf, sizeof buf);
        lat[i] = now() - t;
    }
    qsort(lat, n, sizeof *lat, cmp);
    printf("mode %d p50 %.2f us\n", mode, lat[n / 2] * 1e6);
    waitpid(child, NULL, 0);
    return 0;
}
