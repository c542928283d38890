/* Makes System V and POSIX objects the way the tutorial's programs do, and leaves them for the caller to find.
   usage: ipc_create <key> <posix name>
   msgget(key) + one 11-byte message, shmget(key + 1, 8192), shm_open(name, 4096), all mode 0640;
   prints: <msqid> <shmid> <pid> */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

struct message { long type; char text[11]; };

int main(int argc, char *argv[]) {
    if (argc != 3) { fprintf(stderr, "usage: ipc_create <key> <posix name>\n"); return 2; }
    key_t key = (key_t)strtol(argv[1], NULL, 0);
    int msqid = msgget(key, IPC_CREAT | IPC_EXCL | 0640);
    if (msqid < 0) { perror("msgget"); return 1; }
    struct message m = { 1, "from C pe" };
    if (msgsnd(msqid, &m, sizeof m.text, 0) != 0) { perror("msgsnd"); return 1; }
    int shmid = shmget(key + 1, 8192, IPC_CREAT | IPC_EXCL | 0640);
    if (shmid < 0) { perror("shmget"); return 1; }
    int fd = shm_open(argv[2], O_CREAT | O_EXCL | O_RDWR, 0640);
    if (fd < 0 || ftruncate(fd, 4096) != 0 || fchmod(fd, 0640) != 0) { perror("shm_open"); return 1; }
    close(fd);
    printf("%d %d %d\n", msqid, shmid, getpid());
    return 0;
}
