/* A FIFO reader in the tutorial's style: open the FIFO for reading (blocks until a writer), copy everything to stdout. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc != 2) {
        fprintf(stderr, "usage: fifo_reader <fifo>\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
        fwrite(buffer, 1, (size_t)n, stdout);
    }
    close(fd);
    return n < 0 ? 1 : 0;
}
