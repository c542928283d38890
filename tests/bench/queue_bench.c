/* C baseline for message queues, in the seeds' style (raw syscalls, gcc -O2): a parent and a forked child.
   usage: queue_bench sysv|posix <size> <count> roundtrip|oneway     prints: <seconds>
   roundtrip: the parent sends (type 1), the child echoes (type 2), count times.
   oneway:    the parent sends count messages, the child receives them and says "done". */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct msg { long type; char text[65536]; };

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char *argv[]) {
    if (argc != 5) { fprintf(stderr, "usage: queue_bench sysv|posix <size> <count> roundtrip|oneway\n"); return 2; }
    int sysv = strcmp(argv[1], "sysv") == 0;
    size_t size = (size_t)atol(argv[2]);
    long count = atol(argv[3]);
    int roundtrip = strcmp(argv[4], "roundtrip") == 0;
    static struct msg m;
    int id = -1;
    mqd_t to = (mqd_t)-1, back = (mqd_t)-1;
    char name1[64], name2[64];
    if (sysv) {
        id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        if (id < 0) { perror("msgget"); return 1; }
    } else {
        struct mq_attr attr = { 0, 10, (long)size, 0 };
        snprintf(name1, sizeof name1, "/psipc-bench-to-%d", getpid());
        snprintf(name2, sizeof name2, "/psipc-bench-back-%d", getpid());
        to = mq_open(name1, O_CREAT | O_RDWR, 0600, &attr);
        back = mq_open(name2, O_CREAT | O_RDWR, 0600, &attr);
        if (to == (mqd_t)-1 || back == (mqd_t)-1) { perror("mq_open"); return 1; }
    }
    pid_t child = fork();
    if (child == 0) {
        for (long i = 0; i < count; i++) {
            if (sysv) {
                if (msgrcv(id, &m, size, 1, 0) < 0) { perror("msgrcv"); _exit(1); }
                if (roundtrip) { m.type = 2; msgsnd(id, &m, size, 0); }
            } else {
                if (mq_receive(to, m.text, size, NULL) < 0) { perror("mq_receive"); _exit(1); }
                if (roundtrip) mq_send(back, m.text, size, 0);
            }
        }
        if (!roundtrip) { if (sysv) { m.type = 2; msgsnd(id, &m, 1, 0); } else mq_send(back, m.text, 1, 0); }
        _exit(0);
    }
    double start = now();
    for (long i = 0; i < count; i++) {
        if (sysv) {
            m.type = 1;
            if (msgsnd(id, &m, size, 0) != 0) { perror("msgsnd"); return 1; }
            if (roundtrip && msgrcv(id, &m, size, 2, 0) < 0) { perror("msgrcv"); return 1; }
        } else {
            if (mq_send(to, m.text, size, 0) != 0) { perror("mq_send"); return 1; }
            if (roundtrip && mq_receive(back, m.text, size, NULL) < 0) { perror("mq_receive"); return 1; }
        }
    }
    if (!roundtrip) { if (sysv) msgrcv(id, &m, size, 2, 0); else mq_receive(back, m.text, size, NULL); }
    double elapsed = now() - start;
    waitpid(child, NULL, 0);
    if (sysv) msgctl(id, IPC_RMID, NULL); else { mq_unlink(name1); mq_unlink(name2); }
    printf("%.6f\n", elapsed);
    return 0;
}
