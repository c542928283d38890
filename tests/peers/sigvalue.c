/* A C signal receiver: handles SIGUSR1 with SA_SIGINFO and prints the si_value it was sent (sigqueue).
   usage: sigvalue <ready-file>    writes the ready file once the handler is installed, then waits for one signal. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got = 0;
static volatile int value = 0;

static void on_usr1(int sig, siginfo_t *info, void *context) {
    (void)sig; (void)context;
    value = info->si_value.sival_int;
    got = 1;
}

int main(int argc, char *argv[]) {
    if (argc != 2) { fprintf(stderr, "usage: sigvalue <ready-file>\n"); return 2; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    FILE *ready = fopen(argv[1], "w");
    fputs("ready", ready);
    fclose(ready);
    for (int i = 0; i < 300 && !got; i++) usleep(100000);
    if (!got) { fprintf(stderr, "no signal\n"); return 1; }
    printf("si_value %d\n", value);
    return 0;
}
