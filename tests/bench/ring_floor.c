/* What any shared-memory ring can do between two processes on this machine, without .NET: the parent copies <count>
   messages of <size> bytes into 64 slots of a MAP_SHARED region, a forked child takes each one and reads its first and
   last byte where it lies (as PSIpc.Bench's in-place ring receiver does), unpinned, as the one-way benchmark runs.
     0  the slots handed over with two process-shared semaphores (glibc's sem_wait and sem_post: atomics, and a futex
        call only when a side sleeps), as tests/bench/ipc_bench.c's ring and PSIpc's IpcRing do;
     1  a lock-free single-producer single-consumer ring: a head and a tail on their own cache lines, each side
        spinning on the other's counter with no system call at all (no sleep, no cancellation, one producer and one
        consumer only): the ceiling for a ring, which PSIpc's ring (several producers and consumers, crash-safe
        claims, waits that -Timeout and Ctrl+C end) cannot exceed.
   Compare with `ipc_bench memcpy oneway <size> <count>` (the same copies in one process) in the same run.
   usage: ring_floor 0|1 <size> <count>      prints: mode <m> <seconds> s
   gcc -O2 -pthread -o out/bench/ring_floor tests/bench/ring_floor.c */
#define _GNU_SOURCE
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 64

struct ring {
    sem_t empty;
    sem_t full;
    _Atomic long head __attribute__((aligned(64)));
    _Atomic long tail __attribute__((aligned(64)));
    char data[] __attribute__((aligned(64)));
};

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: ring_floor 0|1 <size> <count>\n"); return 2; }
    int mode = atoi(argv[1]);
    size_t size = (size_t)atol(argv[2]);
    long count = atol(argv[3]);
    struct ring *r = mmap(NULL, sizeof(struct ring) + SLOTS * size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED) { perror("mmap"); return 1; }
    sem_init(&r->empty, 1, SLOTS);
    sem_init(&r->full, 1, 0);
    char *payload = calloc(1, size);
    pid_t child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0) {
        volatile int touched = 0;
        for (long i = 0; i < count; i++) {
            if (mode == 0) {
                while (sem_wait(&r->full) != 0) ;
            } else {
                while (atomic_load_explicit(&r->head, memory_order_acquire) == i) __builtin_ia32_pause();
            }
            const char *slot = r->data + (i % SLOTS) * size;
            touched += slot[0] + slot[size - 1];
            if (mode == 0) sem_post(&r->empty); else atomic_store_explicit(&r->tail, i + 1, memory_order_release);
        }
        _exit(0);
    }
    double t = now();
    for (long i = 0; i < count; i++) {
        if (mode == 0) {
            while (sem_wait(&r->empty) != 0) ;
        } else {
            while (i - atomic_load_explicit(&r->tail, memory_order_acquire) >= SLOTS) __builtin_ia32_pause();
        }
        memcpy(r->data + (i % SLOTS) * size, payload, size);
        if (mode == 0) sem_post(&r->full); else atomic_store_explicit(&r->head, i + 1, memory_order_release);
    }
    int status;
    waitpid(child, &status, 0); /* the child has taken the last message */
    printf("mode %d %.6f s\n", mode, now() - t);
    return 0;
}
