/* What a wait that can be cancelled costs each mechanism in C, without any .NET: 16-byte round trips between a parent and
   a forked child (run it pinned to one CPU, as the benchmark's round trips run: taskset -c 1), each receive made
     block   blocking, as tests/bench/ipc_bench.c and Python do (no timeout, nothing can end the wait but data);
     cancel  the way PSIpc waits so that -Timeout, Ctrl+C and Close end a wait at once: a non-blocking receive, then on
             EAGAIN poll(2) on the object and an eventfd with a timeout, then the receive again (System V queues have
             nothing to poll: a receive with IPC_NOWAIT, then sched_yield between tries, as PSIpc does for 0.5 ms).
   Round trips never find a queue full, so their sends are the same in both modes. With oneway, the parent sends
   <count> messages and the child takes them all, then answers once (as ipc_bench.c's oneway): then a send that
   finds the object full blocks, or (cancel) polls for POLLOUT, or for System V retries with IPC_NOWAIT after a
   sched_yield. The ratio block/cancel per mechanism is the best a cancellable wait can do against C's blocking one;
   tests/PSIpc.Bench/FINDINGS.md compares the API with it. POSIX queues hold 10 messages of 8 KiB, as the benchmark's.
   With inprocess (pipe, posix, sysv): no child; the parent sends and then receives each message itself, so nothing
   ever waits: the system calls' own cost, which PSIpc.Bench inprocess compares the module's send and receive with.
   usage: wait_floor pipe|unix|tcp|posix|sysv block|cancel <count> [oneway|inprocess]
   prints: <mech> <mode> p50 <µs>, or <mech> <mode> oneway <messages/s>, or <mech> <mode> inprocess <ns a pair>
   gcc -O2 -o out/bench/wait_floor tests/bench/wait_floor.c -lrt && taskset -c 1 out/bench/wait_floor posix cancel 20000 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SIZE 16
enum mech { PIPE, UNIX, TCP, POSIX, SYSV };
static enum mech m;
static int cancel, ev, qid;
static struct { long type; char text[SIZE]; } qmsg;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void die(const char *what) { perror(what); exit(1); }

static void wait_ready(int fd) {
    struct pollfd p[2] = { { fd, POLLIN, 0 }, { ev, POLLIN, 0 } };
    if (poll(p, 2, 60000) < 0 && errno != EINTR) die("poll");
}

/* One receive on fd (a descriptor or an mqd_t) or, for System V, of type t. */
static void receive(int fd, long t) {
    char buf[8192];
    for (;;) {
        ssize_t n;
        if (m == SYSV) n = msgrcv(qid, &qmsg, SIZE, t, cancel ? IPC_NOWAIT : 0);
        else if (m == POSIX) n = mq_receive(fd, buf, sizeof buf, NULL);
        else n = read(fd, buf, SIZE);
        if (n > 0) return;
        if (n == 0) { fprintf(stderr, "end of stream\n"); exit(1); }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != ENOMSG) die("receive");
        if (m == SYSV) sched_yield(); else wait_ready(fd);
    }
}

static void sendto_(int fd, long t) {
    char buf[SIZE] = { 0 };
    for (;;) {
        int r;
        if (m == SYSV) { qmsg.type = t; r = msgsnd(qid, &qmsg, SIZE, cancel ? IPC_NOWAIT : 0); }
        else if (m == POSIX) r = mq_send(fd, buf, SIZE, 0);
        else r = write(fd, buf, SIZE) == SIZE ? 0 : -1;
        if (r == 0) return;
        if (errno == EINTR) continue;
        if (errno != EAGAIN) die("send");
        if (m == SYSV) { sched_yield(); continue; }
        struct pollfd p[2] = { { fd, POLLOUT, 0 }, { ev, POLLIN, 0 } };
        if (poll(p, 2, 60000) < 0 && errno != EINTR) die("poll");
    }
}

static void nonblocking(int fd) { if (cancel && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) die("fcntl"); }

static int cmp(const void *a, const void *b) { double d = *(const double *)a - *(const double *)b; return d < 0 ? -1 : d > 0; }

int main(int argc, char **argv) {
    static const char *names[] = { "pipe", "unix", "tcp", "posix", "sysv" };
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: wait_floor pipe|unix|tcp|posix|sysv block|cancel <count> [oneway|inprocess]\n");
        return 2;
    }
    int oneway = argc == 5 && !strcmp(argv[4], "oneway");
    int inprocess = argc == 5 && !strcmp(argv[4], "inprocess");
    m = (enum mech)-1;
    for (int i = 0; i < 5; i++) if (!strcmp(argv[1], names[i])) m = (enum mech)i;
    if ((int)m < 0) { fprintf(stderr, "unknown mechanism %s\n", argv[1]); return 2; }
    cancel = !strcmp(argv[2], "cancel");
    int n = atoi(argv[3]);
    ev = eventfd(0, EFD_CLOEXEC);
    /* down: parent to child, up: child to parent; [0] is read, [1] write (sockets: one end each side) */
    int down[2] = { -1, -1 }, up[2] = { -1, -1 }, psock = -1, csock = -1;
    char qto[64], qback[64];
    if (m == PIPE) {
        if (pipe(down) || pipe(up)) die("pipe");
    } else if (m == UNIX) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) die("socketpair");
        psock = sv[0]; csock = sv[1];
    } else if (m == TCP) {
        int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof a;
        if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &len)) die("listen");
        csock = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(csock, (struct sockaddr *)&a, sizeof a)) die("connect");
        psock = accept(l, NULL, NULL);
        if (psock < 0) die("accept");
        setsockopt(psock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(csock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        close(l);
    } else if (m == POSIX) {
        struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = 8192 };
        snprintf(qto, sizeof qto, "/wait-floor-%d-to", getpid());
        snprintf(qback, sizeof qback, "/wait-floor-%d-back", getpid());
        int flags = O_RDWR | O_CREAT | O_EXCL | (cancel ? O_NONBLOCK : 0);
        down[0] = down[1] = mq_open(qto, flags, 0600, &attr);
        up[0] = up[1] = mq_open(qback, flags, 0600, &attr);
        if (down[0] < 0 || up[0] < 0) die("mq_open");
        mq_unlink(qto);
        mq_unlink(qback);
    } else {
        qid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        if (qid < 0) die("msgget");
    }
    if (inprocess) {
        if (m == UNIX || m == TCP) { fprintf(stderr, "inprocess takes pipe, posix or sysv\n"); return 2; }
        double best = 1e9;
        for (int round = 0; round < 5; round++) {
            double t = now();
            for (int i = 0; i < n; i++) { sendto_(down[1], 1); receive(down[0], 1); }
            double per = (now() - t) / n * 1e9;
            if (per < best) best = per;
        }
        if (m == SYSV) msgctl(qid, IPC_RMID, NULL);
        printf("%s %s inprocess %.0f\n", names[m], argv[2], best);
        return 0;
    }
    pid_t child = fork();
    if (child < 0) die("fork");
    int in, out;
    if (m == UNIX || m == TCP) in = out = child == 0 ? csock : psock;
    else if (child == 0) { in = down[0]; out = up[1]; }
    else { in = up[0]; out = down[1]; }
    if (m != POSIX && m != SYSV) { nonblocking(in); nonblocking(out); }
    if (oneway) {
        if (child == 0) {
            for (int i = 0; i < n; i++) receive(in, 1);
            sendto_(out, 2);
            _exit(0);
        }
        double t = now();
        for (int i = 0; i < n; i++) sendto_(out, 1);
        receive(in, 2);
        double seconds = now() - t;
        waitpid(child, NULL, 0);
        if (m == SYSV) msgctl(qid, IPC_RMID, NULL);
        printf("%s %s oneway %.0f\n", names[m], argv[2], n / seconds);
        return 0;
    }
    if (child == 0) {
        for (int i = 0; i < n + 1000; i++) { receive(in, 1); sendto_(out, 2); }
        _exit(0);
    }
    double *lat = malloc(sizeof(double) * n);
    for (int i = -1000; i < n; i++) {
        double t = now();
        sendto_(out, 1);
        receive(in, 2);
        if (i >= 0) lat[i] = now() - t;
    }
    waitpid(child, NULL, 0);
    if (m == SYSV) msgctl(qid, IPC_RMID, NULL);
    qsort(lat, n, sizeof(double), cmp);
    printf("%s %s p50 %.2f us\n", names[m], argv[2], lat[n / 2] * 1e6);
    return 0;
}
