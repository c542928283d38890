/* A POSIX message queue peer: mq_send / mq_receive on an existing queue.
   usage: posix_mq send <name> <priority> <text>   sends the text (without a NUL)
          posix_mq recv <name>                     receives one message and prints "<priority>: <text>" */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char *argv[]) {
    if (argc < 3) {
        fprintf(stderr, "usage: posix_mq send|recv <name> [priority text]\n");
        return 2;
    }
    if (strcmp(argv[1], "send") == 0 && argc == 5) {
        mqd_t q = mq_open(argv[2], O_WRONLY);
        if (q == (mqd_t)-1) { perror("mq_open"); return 1; }
        if (mq_send(q, argv[4], strlen(argv[4]), (unsigned)atoi(argv[3])) != 0) { perror("mq_send"); return 1; }
        mq_close(q);
        return 0;
    }
    if (strcmp(argv[1], "recv") == 0) {
        mqd_t q = mq_open(argv[2], O_RDONLY);
        if (q == (mqd_t)-1) { perror("mq_open"); return 1; }
        struct mq_attr attr;
        mq_getattr(q, &attr);
        char *buffer = malloc((size_t)attr.mq_msgsize + 1);
        unsigned prio;
        ssize_t n = mq_receive(q, buffer, (size_t)attr.mq_msgsize, &prio);
        if (n < 0) { perror("mq_receive"); return 1; }
        buffer[n] = 0;
        printf("%u: %s\n", prio, buffer);
        mq_close(q);
        return 0;
    }
    fprintf(stderr, "usage: posix_mq send|recv <name> [priority text]\n");
    return 2;
}
