/* A FIFO writer in the tutorial's style: open the FIFO for writing (blocks until a reader), write each argument as a line. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc < 2) {
        fprintf(stderr, "usage: fifo_writer <fifo> [line...]\n");
        return 2;
    }
    int fd = open(argv[1], O_WRONLY);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        char line[4096];
        int n = snprintf(line, sizeof line, "%s\n", argv[i]);
        if (write(fd, line, (size_t)n) != n) {
            perror("write");
            return 1;
        }
    }
    close(fd);
    return 0;
}
