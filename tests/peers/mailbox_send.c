/* Sends to a PSIpc mailbox using only what docs/about_PSIpc.md says: the socket is SOCK_DGRAM at
   ${PSIPC_MAILBOX_ROOT:-/tmp}/psipc-<uid of the receiver>/<pid>, one datagram per message; Text goes bare, other
   encodings behind the 8-byte header 'P' 'I' 1 <encoding> <length, uint32 big-endian>.
   usage: mailbox_send <pid> <text> [<json>]      sends <text> as Text, then <json> as a Json message
          mailbox_send <pid> -flood <id> <count>  sends "<id>:<n>" for n = 0 .. count-1, waiting whenever the mailbox is full */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void send_one(int fd, const void *data, size_t length) {
    if (send(fd, data, length, 0) != (ssize_t)length) { perror("send"); exit(1); }
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: mailbox_send <pid> <text> [<json>] | <pid> -flood <id> <count>\n"); return 2; }
    const char *root = getenv("PSIPC_MAILBOX_ROOT");
    if (root == NULL || *root == '\0') root = "/tmp";
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    /* The receiver is this user's process here; another user's would need its uid from /proc/<pid>/status. */
    snprintf(a.sun_path, sizeof a.sun_path, "%s/psipc-%u/%s", root, (unsigned)getuid(), argv[1]);
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 1; }
    if (strcmp(argv[2], "-flood") == 0 && argc == 5) {
        int count = atoi(argv[4]);
        char text[64];
        for (int n = 0; n < count; n++) {
            int length = snprintf(text, sizeof text, "%s:%d", argv[3], n);
            send_one(fd, text, (size_t)length); /* blocking: waits while the mailbox's queue is full */
        }
        return 0;
    }
    send_one(fd, argv[2], strlen(argv[2]));
    if (argc > 3) {
        size_t length = strlen(argv[3]);
        unsigned char *frame = malloc(8 + length);
        uint32_t be = htonl((uint32_t)length);
        frame[0] = 'P'; frame[1] = 'I'; frame[2] = 1; frame[3] = 3;
        memcpy(frame + 4, &be, 4);
        memcpy(frame + 8, argv[3], length);
        send_one(fd, frame, 8 + length);
        free(frame);
    }
    return 0;
}
