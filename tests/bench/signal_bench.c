/* C baseline for signals (gcc -O2): a child with a sigaction SIGUSR1 handler acknowledges each signal with SIGUSR2;
   the parent sends one, waits for the acknowledgment (sigwaitinfo), <count> times.
   usage: signal_bench <count>     prints: <seconds> */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; kill(getppid(), SIGUSR2); }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char *argv[]) {
    if (argc != 2) { fprintf(stderr, "usage: signal_bench <count>\n"); return 2; }
    long count = atol(argv[1]);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    pid_t child = fork();
    if (child == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sigaction(SIGUSR1, &sa, NULL);
        kill(getppid(), SIGUSR2);  /* ready */
        for (;;) pause();
    }
    siginfo_t info;
    sigwaitinfo(&set, &info);
    double start = now();
    for (long i = 0; i < count; i++) {
        kill(child, SIGUSR1);
        sigwaitinfo(&set, &info);
    }
    double elapsed = now() - start;
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    printf("%.6f\n", elapsed);
    return 0;
}
