/* The C baseline of the side-by-side benchmark, in the tutorial's style: raw syscalls, gcc -O2, a parent and a forked
   child, nothing buffered or framed (every message has the same size, so a read of <size> bytes is one message).
   usage: ipc_bench <mechanism> rt|oneway <size> <count>
     mechanism: pipe fifo sysv posix unix tcp ring memcpy signal mailbox rendezvous
     mailbox: Unix SOCK_DGRAM sockets bound to paths, as PSIpc's mailboxes; rendezvous: the same, each message
             answered by a 16-byte receipt that the sender waits for (oneway only)
     rt:     the parent sends <size> bytes, the child sends them back, <count> times (signal: kill, acknowledged by a
             signal back; size is ignored)
     oneway: the parent sends <count> messages, the child takes them all and answers once (memcpy: <count> copies)
   prints one line: <seconds> <p50 ns> <p99 ns>   (the percentiles are of single round trips; 0 for oneway) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 64

enum mech { PIPE, FIFO, SYSV, POSIX, UNIX_, TCP, RING, MEMCPY, SIGNAL_, MAILBOX, RENDEZVOUS };
static const char *names[] = { "pipe", "fifo", "sysv", "posix", "unix", "tcp", "ring", "memcpy", "signal", "mailbox", "rendezvous" };

struct ring {
    sem_t empty;
    sem_t full;
    long head __attribute__((aligned(64)));
    long tail __attribute__((aligned(64)));
    char data[] __attribute__((aligned(64)));
};

struct msg { long type; char text[]; };

static enum mech m;
static size_t size;
static int out_fd = -1, in_fd = -1;      /* stream mechanisms: this side's write and read descriptors */
static int qid = -1;                     /* sysv */
static mqd_t mq_to, mq_back;             /* posix: parent to child, child to parent */
static struct ring *ring_to, *ring_back; /* ring */
static struct msg *qmsg;
static int is_child;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void die(const char *what) { perror(what); exit(1); }

static void all(int fd, char *p, size_t n, int w) {
    while (n > 0) {
        ssize_t r = w ? write(fd, p, n) : read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) die(w ? "write" : "read");
        p += r;
        n -= (size_t)r;
    }
}

static struct ring *ring_new(void) {
    size_t total = sizeof(struct ring) + SLOTS * size;
    struct ring *r = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED) die("mmap");
    sem_init(&r->empty, 1, SLOTS);
    sem_init(&r->full, 1, 0);
    return r;
}

static void send_msg(char *buf, size_t n) {
    int up = is_child; /* the child sends back */
    switch (m) {
    case SYSV:
        qmsg->type = up ? 2 : 1;
        memcpy(qmsg->text, buf, n);
        while (msgsnd(qid, qmsg, n, 0) != 0) if (errno != EINTR) die("msgsnd");
        break;
    case POSIX:
        while (mq_send(up ? mq_back : mq_to, buf, n, 0) != 0) if (errno != EINTR) die("mq_send");
        break;
    case RING: {
        struct ring *r = up ? ring_back : ring_to;
        while (sem_wait(&r->empty) != 0) ;
        memcpy(r->data + (r->head++ % SLOTS) * size, buf, n);
        sem_post(&r->full);
        break;
    }
    case MAILBOX:
    case RENDEZVOUS: {
        char receipt[16];
        while (send(out_fd, buf, n, 0) < 0) if (errno != EINTR) die("send");
        if (m == RENDEZVOUS && !is_child) while (recv(in_fd, receipt, sizeof receipt, 0) < 0) if (errno != EINTR) die("recv");
        break;
    }
    default:
        all(out_fd, buf, n, 1);
    }
}

static void recv_msg(char *buf, size_t n) {
    int up = !is_child; /* the parent receives what goes back */
    switch (m) {
    case SYSV:
        while (msgrcv(qid, qmsg, size, up ? 2 : 1, 0) < 0) if (errno != EINTR) die("msgrcv");
        memcpy(buf, qmsg->text, n);
        break;
    case POSIX:
        while (mq_receive(up ? mq_back : mq_to, buf, size, NULL) < 0) if (errno != EINTR) die("mq_receive");
        break;
    case RING: {
        struct ring *r = up ? ring_back : ring_to;
        while (sem_wait(&r->full) != 0) ;
        memcpy(buf, r->data + (r->tail++ % SLOTS) * size, n);
        sem_post(&r->empty);
        break;
    }
    case MAILBOX:
    case RENDEZVOUS: {
        char receipt[16] = { 0 };
        while (recv(in_fd, buf, size, 0) < 0) if (errno != EINTR) die("recv");
        if (m == RENDEZVOUS && is_child) while (send(out_fd, receipt, sizeof receipt, 0) < 0) if (errno != EINTR) die("send");
        break;
    }
    default:
        all(in_fd, buf, n, 0);
    }
}

static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

int main(int argc, char *argv[]) {
    if (argc != 5) { fprintf(stderr, "usage: ipc_bench pipe|fifo|sysv|posix|unix|tcp|ring|memcpy|signal|mailbox|rendezvous rt|oneway <size> <count>\n"); return 2; }
    m = (enum mech)-1;
    for (int i = 0; i < (int)(sizeof names / sizeof *names); i++) if (strcmp(argv[1], names[i]) == 0) m = (enum mech)i;
    if ((int)m < 0) { fprintf(stderr, "unknown mechanism %s\n", argv[1]); return 2; }
    int rt = strcmp(argv[2], "rt") == 0;
    size = (size_t)atol(argv[3]);
    if (size < 1) size = 1;
    long count = atol(argv[4]);
    char *buf = calloc(1, size);
    double *lat = rt ? calloc((size_t)count, sizeof(double)) : NULL;
    double start, elapsed;

    if (m == MEMCPY) {
        size_t span = SLOTS * size;
        char *src = malloc(span), *dst = malloc(span);
        memset(src, 1, span);
        memset(dst, 2, span);
        start = now();
        for (long i = 0; i < count; i++) memcpy(dst + (i % SLOTS) * size, src + ((i + 7) % SLOTS) * size, size);
        elapsed = now() - start;
        printf("%.6f 0 0\n", elapsed + (dst[count % SLOTS] == 3 ? 1e-9 : 0));
        return 0;
    }

    if (m == SIGNAL_) {
        if (!rt) { fprintf(stderr, "signals are measured as acknowledged round trips only (rt)\n"); return 2; }
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigaddset(&set, SIGUSR2);
        sigprocmask(SIG_BLOCK, &set, NULL);
        pid_t parent = getpid();
        pid_t child = fork();
        siginfo_t info;
        sigset_t usr1, usr2;
        sigemptyset(&usr1); sigaddset(&usr1, SIGUSR1);
        sigemptyset(&usr2); sigaddset(&usr2, SIGUSR2);
        if (child == 0) {
            kill(parent, SIGUSR2);
            for (long i = 0; i < count; i++) { sigwaitinfo(&usr1, &info); kill(parent, SIGUSR2); }
            _exit(0);
        }
        sigwaitinfo(&usr2, &info);
        start = now();
        for (long i = 0; i < count; i++) {
            double t = now();
            kill(child, SIGUSR1);
            while (sigwaitinfo(&usr2, &info) < 0) ;
            lat[i] = now() - t;
        }
        elapsed = now() - start;
        waitpid(child, NULL, 0);
        qsort(lat, (size_t)count, sizeof(double), compare);
        printf("%.6f %.0f %.0f\n", elapsed, lat[count / 2] * 1e9, lat[count * 99 / 100] * 1e9);
        return 0;
    }

    char path1[108], path2[108];
    struct sockaddr_un mine = { .sun_family = AF_UNIX }, theirs = { .sun_family = AF_UNIX };
    int dgram_parent = -1, dgram_child = -1;
    int listener = -1;
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    struct sockaddr_in in = { .sin_family = AF_INET };
    int p2c[2], c2p[2];
    switch (m) {
    case PIPE:
        if (pipe(p2c) || pipe(c2p)) die("pipe");
        break;
    case FIFO:
        snprintf(path1, sizeof path1, "/tmp/psipc-bench-c-%d-to", getpid());
        snprintf(path2, sizeof path2, "/tmp/psipc-bench-c-%d-back", getpid());
        if (mkfifo(path1, 0600) || mkfifo(path2, 0600)) die("mkfifo");
        break;
    case SYSV:
        qid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        if (qid < 0) die("msgget");
        qmsg = malloc(sizeof(struct msg) + size);
        break;
    case POSIX: {
        struct mq_attr attr = { 0, 10, (long)size, 0 };
        snprintf(path1, sizeof path1, "/psipc-bench-c-%d-to", getpid());
        snprintf(path2, sizeof path2, "/psipc-bench-c-%d-back", getpid());
        mq_to = mq_open(path1, O_CREAT | O_RDWR, 0600, &attr);
        mq_back = mq_open(path2, O_CREAT | O_RDWR, 0600, &attr);
        if (mq_to == (mqd_t)-1 || mq_back == (mqd_t)-1) die("mq_open");
        break;
    }
    case UNIX_:
    case TCP:
        listener = socket(m == UNIX_ ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
        if (m == UNIX_) {
            snprintf(un.sun_path, sizeof un.sun_path, "/tmp/psipc-bench-c-%d.sock", getpid());
            if (bind(listener, (struct sockaddr *)&un, sizeof un)) die("bind");
        } else {
            in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (bind(listener, (struct sockaddr *)&in, sizeof in)) die("bind");
            socklen_t len = sizeof in;
            getsockname(listener, (struct sockaddr *)&in, &len);
        }
        listen(listener, 1);
        break;
    case RING:
        ring_to = ring_new();
        ring_back = ring_new();
        break;
    case MAILBOX:
    case RENDEZVOUS: {
        int sndbuf = (int)(2 * size + 4096);
        snprintf(mine.sun_path, sizeof mine.sun_path, "/tmp/psipc-bench-c-%d-p", getpid());
        snprintf(theirs.sun_path, sizeof theirs.sun_path, "/tmp/psipc-bench-c-%d-c", getpid());
        dgram_parent = socket(AF_UNIX, SOCK_DGRAM, 0);
        dgram_child = socket(AF_UNIX, SOCK_DGRAM, 0);
        setsockopt(dgram_parent, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        setsockopt(dgram_child, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        if (bind(dgram_parent, (struct sockaddr *)&mine, sizeof mine) || bind(dgram_child, (struct sockaddr *)&theirs, sizeof theirs)) die("bind");
        if (connect(dgram_parent, (struct sockaddr *)&theirs, sizeof theirs) || connect(dgram_child, (struct sockaddr *)&mine, sizeof mine)) die("connect");
        break;
    }
    default:
        break;
    }

    pid_t child = fork();
    if (child == 0) {
        is_child = 1;
        if (m == PIPE) { in_fd = p2c[0]; out_fd = c2p[1]; close(p2c[1]); close(c2p[0]); }
        if (m == FIFO) { in_fd = open(path1, O_RDONLY); out_fd = open(path2, O_WRONLY); }
        if (m == MAILBOX || m == RENDEZVOUS) { in_fd = out_fd = dgram_child; close(dgram_parent); }
        if (m == UNIX_ || m == TCP) {
            int fd = socket(m == UNIX_ ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
            if (connect(fd, m == UNIX_ ? (struct sockaddr *)&un : (struct sockaddr *)&in, m == UNIX_ ? sizeof un : sizeof in)) die("connect");
            int one = 1;
            if (m == TCP) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            in_fd = out_fd = fd;
        }
        for (long i = 0; i < count; i++) { recv_msg(buf, size); if (rt) send_msg(buf, size); }
        if (!rt) send_msg(buf, 1 > size ? size : 1);
        _exit(0);
    }
    if (m == PIPE) { out_fd = p2c[1]; in_fd = c2p[0]; close(p2c[0]); close(c2p[1]); }
    if (m == FIFO) { out_fd = open(path1, O_WRONLY); in_fd = open(path2, O_RDONLY); }
    if (m == MAILBOX || m == RENDEZVOUS) { in_fd = out_fd = dgram_parent; close(dgram_child); }
    if (m == UNIX_ || m == TCP) {
        int fd = accept(listener, NULL, NULL);
        int one = 1;
        if (m == TCP) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        in_fd = out_fd = fd;
    }
    start = now();
    for (long i = 0; i < count; i++) {
        if (rt) {
            double t = now();
            send_msg(buf, size);
            recv_msg(buf, size);
            lat[i] = now() - t;
        } else {
            send_msg(buf, size);
        }
    }
    if (!rt) recv_msg(buf, 1);
    elapsed = now() - start;
    waitpid(child, NULL, 0);
    if (m == FIFO) { unlink(path1); unlink(path2); }
    if (m == SYSV) msgctl(qid, IPC_RMID, NULL);
    if (m == POSIX) { mq_unlink(path1); mq_unlink(path2); }
    if (m == UNIX_) unlink(un.sun_path);
    if (m == MAILBOX || m == RENDEZVOUS) { unlink(mine.sun_path); unlink(theirs.sun_path); }
    if (rt) {
        qsort(lat, (size_t)count, sizeof(double), compare);
        printf("%.6f %.0f %.0f\n", elapsed, lat[count / 2] * 1e9, lat[count * 99 / 100] * 1e9);
    } else {
        printf("%.6f 0 0\n", elapsed);
    }
    return 0;
}
