/*
 * A UDP echo for the end-to-end tests (the test image's busybox has no UDP server or client):
 *   udp-echo serve PORT        answers each datagram with "HOSTNAME CLIENT-ADDRESS"
 *   udp-echo ask IP PORT N     N exchanges, each from a new socket (a new source port, so a new
 *                              conntrack entry), printing "R:ANSWER" or "R:" after 2 s of silence
 * Built static by the test (gcc -static), so it runs in the busybox image.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int serve(int port) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
    perror("udp-echo: bind");
    return 1;
  }
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  for (;;) {
    char in[512];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    if (recvfrom(s, in, sizeof in, 0, (struct sockaddr *)&from, &len) < 0) {
      continue;
    }
    char out[512];
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
    int n = snprintf(out, sizeof out, "%s %s", host, ip);
    sendto(s, out, n, 0, (struct sockaddr *)&from, len);
  }
}

static int ask(const char *ip, int port, int count) {
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  if (inet_pton(AF_INET, ip, &to.sin_addr) != 1) {
    fprintf(stderr, "udp-echo: not an IPv4 address: %s\n", ip);
    return 2;
  }
  for (int i = 0; i < count; i++) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = {2, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char in[512] = {0};
    ssize_t n = -1;
    if (sendto(s, "ping", 4, 0, (struct sockaddr *)&to, sizeof to) == 4) {
      n = recv(s, in, sizeof in - 1, 0);
    }
    printf("R:%s\n", n > 0 ? in : "");
    close(s);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "serve") == 0) {
    return serve(atoi(argv[2]));
  }
  if (argc == 5 && strcmp(argv[1], "ask") == 0) {
    return ask(argv[2], atoi(argv[3]), atoi(argv[4]));
  }
  fprintf(stderr, "usage: udp-echo serve PORT | udp-echo ask IP PORT N\n");
  return 2;
}
