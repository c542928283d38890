/* C baseline for sockets, in the seeds' style (gcc -O2): a forked child connects to the parent's listener.
   usage: socket_bench unix|tcp roundtrip|stream <size> <count>     prints: <seconds>
   roundtrip: the parent sends <size> bytes, the child echoes them, <count> times.
   stream:    the parent sends <count> x <size> bytes, the child reads them all and answers one byte. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void all(int fd, char *p, size_t n, int w) {
    while (n > 0) { ssize_t r = w ? write(fd, p, n) : read(fd, p, n); if (r <= 0) { perror("io"); exit(1); } p += r; n -= (size_t)r; }
}

int main(int argc, char *argv[]) {
    if (argc != 5) { fprintf(stderr, "usage: socket_bench unix|tcp roundtrip|stream <size> <count>\n"); return 2; }
    int unix_ = strcmp(argv[1], "unix") == 0, rt = strcmp(argv[2], "roundtrip") == 0;
    size_t size = (size_t)atol(argv[3]);
    long count = atol(argv[4]);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    struct sockaddr_in in = { .sin_family = AF_INET };
    socklen_t len;
    int listener = socket(unix_ ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
    if (unix_) {
        snprintf(un.sun_path, sizeof un.sun_path, "/tmp/psipc-bench-c-%d.sock", getpid());
        if (bind(listener, (struct sockaddr *)&un, sizeof un)) { perror("bind"); return 1; }
    } else {
        in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(listener, (struct sockaddr *)&in, sizeof in)) { perror("bind"); return 1; }
        len = sizeof in;
        getsockname(listener, (struct sockaddr *)&in, &len);
    }
    listen(listener, 1);
    char *buf = calloc(1, size);
    pid_t child = fork();
    if (child == 0) {
        int fd = socket(unix_ ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
        if (connect(fd, unix_ ? (struct sockaddr *)&un : (struct sockaddr *)&in, unix_ ? sizeof un : sizeof in)) { perror("connect"); _exit(1); }
        int one = 1;
        if (!unix_) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        for (long i = 0; i < count; i++) { all(fd, buf, size, 0); if (rt) all(fd, buf, size, 1); }
        if (!rt) all(fd, buf, 1, 1);
        _exit(0);
    }
    int fd = accept(listener, NULL, NULL);
    int one = 1;
    if (!unix_) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    double start = now();
    for (long i = 0; i < count; i++) { all(fd, buf, size, 1); if (rt) all(fd, buf, size, 0); }
    if (!rt) all(fd, buf, 1, 0);
    double elapsed = now() - start;
    waitpid(child, NULL, 0);
    if (unix_) unlink(un.sun_path);
    printf("%.6f\n", elapsed);
    return 0;
}
