/* The tutorial's signal sender with a value: sigqueue(pid, signal, value).
   usage: sigqueue_sender <pid> <signal number> <value> */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char *argv[]) {
    if (argc != 4) { fprintf(stderr, "usage: sigqueue_sender <pid> <signal> <value>\n"); return 2; }
    union sigval v;
    v.sival_int = atoi(argv[3]);
    if (sigqueue((pid_t)atoi(argv[1]), atoi(argv[2]), v) != 0) { perror("sigqueue"); return 1; }
    return 0;
}
