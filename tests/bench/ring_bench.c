/* C baseline for the shared-memory ring, in the seeds' producer-consumer style (gcc -O2): a bounded buffer in
   POSIX shared memory, two process-shared semaphores (empty slots, full slots), memcpy in and out, a forked consumer.
   usage: ring_bench ring <size> <count>     prints: <seconds> for <count> messages one way
          ring_bench memcpy <size> <count>   prints: <seconds> for <count> memcpy calls of <size> bytes (the ceiling) */
#include <fcntl.h>
#include <semaphore.h>
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
    long head __attribute__((aligned(64)));
    long tail __attribute__((aligned(64)));
    char data[] __attribute__((aligned(64)));
};

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char *argv[]) {
    if (argc != 4) { fprintf(stderr, "usage: ring_bench ring|memcpy <size> <count>\n"); return 2; }
    size_t size = (size_t)atol(argv[2]);
    long count = atol(argv[3]);
    if (strcmp(argv[1], "memcpy") == 0) {
        size_t span = 64 * size;
        char *src = malloc(span), *dst = malloc(span);
        memset(src, 1, span); memset(dst, 2, span);
        double start = now();
        for (long i = 0; i < count; i++) memcpy(dst + (i % 64) * size, src + ((i + 7) % 64) * size, size);
        double elapsed = now() - start;
        printf("%.6f\n", elapsed + (dst[count % 64] == 3 ? 1e-9 : 0));
        return 0;
    }
    char name[64];
    snprintf(name, sizeof name, "/psipc-bench-cring-%d", getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    size_t total = sizeof(struct ring) + SLOTS * size;
    if (fd < 0 || ftruncate(fd, (off_t)total) != 0) { perror("shm"); return 1; }
    struct ring *r = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    sem_init(&r->empty, 1, SLOTS);
    sem_init(&r->full, 1, 0);
    r->head = r->tail = 0;
    char *msg = calloc(1, size);
    pid_t child = fork();
    if (child == 0) {
        for (long i = 0; i < count; i++) {
            sem_wait(&r->full);
            memcpy(msg, r->data + (r->tail++ % SLOTS) * size, size);
            sem_post(&r->empty);
        }
        _exit(0);
    }
    double start = now();
    for (long i = 0; i < count; i++) {
        sem_wait(&r->empty);
        memcpy(r->data + (r->head++ % SLOTS) * size, msg, size);
        sem_post(&r->full);
    }
    waitpid(child, NULL, 0);
    double elapsed = now() - start;
    shm_unlink(name);
    printf("%.6f\n", elapsed);
    return 0;
}
