/* A hostile peer for the symlink-race tests: for SECONDS, replaces PATH with a symbolic link to VICTIM as fast as it
   can (unlink, symlink), so that a process creating PATH and then setting its mode by path would change VICTIM.
   Usage: symlink_swapper PATH VICTIM SECONDS.  Prints how many times it swapped. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc != 4) return 2;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    double seconds = atof(argv[3]);
    long swaps = 0;
    for (;;) {
        for (int i = 0; i < 1000; i++) {
            unlink(argv[1]);
            if (symlink(argv[2], argv[1]) == 0) swaps++;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 > seconds) break;
    }
    unlink(argv[1]);
    printf("%ld\n", swaps);
    return 0;
}
