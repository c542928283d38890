/* System V semaphore operations, as the tutorial's programs make them.
   usage: sem_op set <semid> <semnum> <value>   semctl(SETVAL)
          sem_op op <semid> <semnum> <op>       one semop (blocks: -1 on 0 waits for an increase, 0 on 1 for zero)
   exit 0 when the call succeeded, 1 with perror when not (EIDRM when the set is removed while waiting) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>

union semun { int val; struct semid_ds *buf; unsigned short *array; };

int main(int argc, char *argv[]) {
    if (argc != 5) { fprintf(stderr, "usage: sem_op set|op <semid> <semnum> <value>\n"); return 2; }
    int id = atoi(argv[2]), num = atoi(argv[3]), value = atoi(argv[4]);
    if (strcmp(argv[1], "set") == 0) {
        union semun arg = { .val = value };
        if (semctl(id, num, SETVAL, arg) != 0) { perror("semctl"); return 1; }
        return 0;
    }
    struct sembuf op = { (unsigned short)num, (short)value, 0 };
    if (semop(id, &op, 1) != 0) { perror("semop"); return 1; }
    return 0;
}
