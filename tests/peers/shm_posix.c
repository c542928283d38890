/* A POSIX shared memory writer: shm_open an existing object, mmap it, and strcpy a string to its start. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc != 3) { fprintf(stderr, "usage: shm_posix <name> <text>\n"); return 2; }
    int fd = shm_open(argv[1], O_RDWR, 0);
    if (fd < 0) { perror("shm_open"); return 1; }
    struct stat st;
    fstat(fd, &st);
    char *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) { perror("mmap"); return 1; }
    strncpy(p, argv[2], (size_t)st.st_size - 1);
    munmap(p, (size_t)st.st_size);
    close(fd);
    return 0;
}
