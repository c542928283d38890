/* The tutorial's System V shared memory program: shmat, then strcpy a string in or printf it out.
   usage: shm_strcpy write <shmid> <text>    copies the text (with its NUL) to the start of the segment
          shm_strcpy read <shmid>            prints the NUL-terminated string at the start of the segment */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>

int main(int argc, char *argv[]) {
    if (argc < 3) { fprintf(stderr, "usage: shm_strcpy write|read <shmid> [text]\n"); return 2; }
    int id = atoi(argv[2]);
    char *str = (char *)shmat(id, NULL, 0);
    if (str == (char *)-1) { perror("shmat"); return 1; }
    if (strcmp(argv[1], "write") == 0 && argc == 4) strcpy(str, argv[3]);
    else printf("Data: %s\n", str);
    shmdt(str);
    return 0;
}
