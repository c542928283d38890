/* The tutorial's pipe child: read from an inherited pipe descriptor (its number in argv[1]) and print what arrived. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc != 2) {
        fprintf(stderr, "usage: pipe_child <fd>\n");
        return 2;
    }
    int fd = atoi(argv[1]);
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
        printf("Child received: %.*s", (int)n, buffer);
    }
    close(fd);
    return n < 0 ? 1 : 0;
}
