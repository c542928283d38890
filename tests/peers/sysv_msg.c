/* The tutorial's System V message queue program: struct message { long type; char text[100]; } with msgsnd/msgrcv.
   usage: sysv_msg send <msqid> <type> <text>      sends one message (the whole 100-byte struct, as the tutorial does)
          sysv_msg recv <msqid> <type>             receives one message of msgrcv type <type> and prints it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

struct message {
    long type;
    char text[100];
};

int main(int argc, char *argv[]) {
    if (argc < 4) {
        fprintf(stderr, "usage: sysv_msg send|recv <msqid> <type> [text]\n");
        return 2;
    }
    int id = atoi(argv[2]);
    struct message m;
    memset(&m, 0, sizeof m);
    if (strcmp(argv[1], "send") == 0 && argc == 5) {
        m.type = atol(argv[3]);
        strncpy(m.text, argv[4], sizeof m.text - 1);
        if (msgsnd(id, &m, sizeof m.text, 0) != 0) { perror("msgsnd"); return 1; }
        return 0;
    }
    if (strcmp(argv[1], "recv") == 0) {
        ssize_t n = msgrcv(id, &m, sizeof m.text, atol(argv[3]), MSG_NOERROR);
        if (n < 0) { perror("msgrcv"); return 1; }
        printf("type %ld: %s\n", m.type, m.text);
        return 0;
    }
    fprintf(stderr, "usage: sysv_msg send|recv <msqid> <type> [text]\n");
    return 2;
}
