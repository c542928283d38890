/* A socket client speaking PSIpc's Message framing: sends <count> Text frames "<id>:<n>" and checks that every reply
   is "<ID>:<n>" upper-cased (what the test's one-line server sends back), in order.
   usage: sock_client unix <path> <id> <count>      sock_client tcp <port> <id> <count>
          sock_client cut unix <path>               sends half a frame and exits (a peer that dies mid-frame) */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int connect_to(const char *kind, const char *where) {
    if (strcmp(kind, "unix") == 0) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        strncpy(a.sun_path, where, sizeof a.sun_path - 1);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(1); }
        return fd;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(where)) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(1); }
    return fd;
}

static int write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n > 0) { ssize_t w = write(fd, c, n); if (w <= 0) return -1; c += w; n -= (size_t)w; }
    return 0;
}

static int read_all(int fd, void *p, size_t n) {
    char *c = p;
    while (n > 0) { ssize_t r = read(fd, c, n); if (r <= 0) return -1; c += r; n -= (size_t)r; }
    return 0;
}

static int send_frame(int fd, const char *text) {
    uint32_t len = (uint32_t)strlen(text), be = htonl(len);
    unsigned char h[8] = { 'P', 'I', 1, 1 };
    memcpy(h + 4, &be, 4);
    return write_all(fd, h, 8) || write_all(fd, text, len);
}

int main(int argc, char *argv[]) {
    if (argc == 4 && strcmp(argv[1], "cut") == 0) {
        int fd = connect_to(argv[2], argv[3]);
        unsigned char h[8] = { 'P', 'I', 1, 1, 0, 0, 0, 100 };
        write_all(fd, h, 8);
        write_all(fd, "only ten b", 10);
        return 0; /* exit with the frame unfinished */
    }
    if (argc != 5) { fprintf(stderr, "usage: sock_client unix|tcp <where> <id> <count>\n"); return 2; }
    int fd = connect_to(argv[1], argv[2]);
    int count = atoi(argv[4]);
    char text[64], expect[64], got[128];
    /* At most 32 requests outstanding: a client that sends everything before reading any reply can fill both
       socket buffers and deadlock against a server that replies as it reads. */
    int sent = 0;
    for (int i = 1; i <= count; i++) {
        while (sent < count && sent - (i - 1) < 32) {
            sent++;
            snprintf(text, sizeof text, "%s:%d", argv[3], sent);
            if (send_frame(fd, text)) { perror("write"); return 1; }
        }
        unsigned char h[8];
        if (read_all(fd, h, 8)) { fprintf(stderr, "reply %d missing\n", i); return 1; }
        uint32_t be; memcpy(&be, h + 4, 4);
        uint32_t len = ntohl(be);
        if (h[0] != 'P' || h[1] != 'I' || len >= sizeof got || read_all(fd, got, len)) { fprintf(stderr, "bad reply frame %d\n", i); return 1; }
        got[len] = 0;
        snprintf(expect, sizeof expect, "%s:%d", argv[3], i);
        for (char *c = expect; *c; c++) *c = (char)toupper((unsigned char)*c);
        if (strcmp(got, expect) != 0) { fprintf(stderr, "reply %d was '%s', expected '%s'\n", i, got, expect); return 1; }
    }
    printf("%s ok\n", argv[3]);
    close(fd);
    return 0;
}
