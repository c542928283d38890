/* Writes PSIpc Message frames from C (the documented format: 'P' 'I' 1 <encoding> <uint32 length, big-endian> <payload>).
   With "cut" as the last argument it stops in the middle of the last frame, as a peer that dies mid-message. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const void *data, size_t len) {
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(int argc, char *argv[]) {
    int cut = argc > 1 && strcmp(argv[argc - 1], "cut") == 0;
    int last = cut ? argc - 1 : argc;
    for (int i = 1; i < last; i++) {
        uint32_t len = (uint32_t)strlen(argv[i]);
        unsigned char header[8] = { 'P', 'I', 1, 1, 0, 0, 0, 0 };
        uint32_t be = htonl(len);
        memcpy(header + 4, &be, 4);
        if (write_all(1, header, 8) || write_all(1, argv[i], len)) return 1;
    }
    if (cut) {
        unsigned char header[8] = { 'P', 'I', 1, 1, 0, 0, 0, 100 };
        if (write_all(1, header, 8) || write_all(1, "only ten b", 10)) return 1;
    }
    return 0;
}
