/* The tutorial's TCP server: listen on 127.0.0.1:<port>, accept one client, send "Hello!", close.
   usage: hello_server <port> */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc != 2) { fprintf(stderr, "usage: hello_server <port>\n"); return 2; }
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(server, (struct sockaddr *)&a, sizeof a) != 0 || listen(server, 1) != 0) { perror("bind/listen"); return 1; }
    printf("listening\n");
    fflush(stdout);
    int client = accept(server, NULL, NULL);
    if (client < 0) { perror("accept"); return 1; }
    const char *hello = "Hello!";
    write(client, hello, strlen(hello));
    close(client);
    close(server);
    return 0;
}
