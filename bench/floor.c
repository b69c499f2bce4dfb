/*
 * floor: the least an SSE server can do, as a yardstick for bench/run.
 * One epoll loop on 127.0.0.1:PORT. A GET gets event-stream headers and
 * becomes a subscriber; a POST's body is written as one event ("data: BODY")
 * to every subscriber, with one write() each, then answered 204. No parser,
 * no queues, no keep-alives: whatever inspraak does beyond this is its cost.
 *
 *   floor PORT
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_FD = 1 << 20, BUF = 1 << 16 };
static char *pend[MAX_FD]; /* partial POST requests, by fd */
static size_t plen[MAX_FD];
static int subs[MAX_FD], n_subs;

int main(int argc, char **argv)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
	                           "Cache-Control: no-store\r\n\r\n";
	static const char done[] = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
	signal(SIGPIPE, SIG_IGN);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)atoi(argc > 1 ? argv[1] : "8090"))};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4096))
		return 1;
	int ep = epoll_create1(0);
	struct epoll_event e = {.events = EPOLLIN, .data.fd = ls}, evs[256];
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &e);
	static char rb[BUF], ev[BUF + 16];
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd, c;
			if (fd == ls) {
				while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0 &&
				       c < MAX_FD) {
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					e = (struct epoll_event){.events = EPOLLIN, .data.fd = c};
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
				}
				continue;
			}
			ssize_t r = read(fd, rb, sizeof rb);
			if (r <= 0) { /* subscribers are not removed: writes to them just fail */
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				continue;
			}
			if (!pend[fd] && memcmp(rb, "GET ", 4) == 0) {
				if (write(fd, head, sizeof head - 1) > 0)
					subs[n_subs++] = fd;
				continue;
			}
			if (!pend[fd])
				pend[fd] = malloc(BUF);
			if (plen[fd] + (size_t)r > BUF)
				r = (ssize_t)(BUF - plen[fd]);
			memcpy(pend[fd] + plen[fd], rb, (size_t)r);
			plen[fd] += (size_t)r;
			char *he = memmem(pend[fd], plen[fd], "\r\n\r\n", 4);
			char *cl = he ? strcasestr(pend[fd], "content-length:") : NULL;
			size_t body = cl ? strtoul(cl + 15, NULL, 10) : 0;
			if (!he || plen[fd] < (size_t)(he + 4 - pend[fd]) + body)
				continue;
			int len = 6 + (int)body;
			memcpy(ev, "data: ", 6);
			memcpy(ev + 6, he + 4, body);
			memcpy(ev + len, "\n\n", 2);
			for (int k = 0; k < n_subs; k++)
				if (write(subs[k], ev, (size_t)len + 2) < 0)
					continue;
			if (write(fd, done, sizeof done - 1) < 0)
				continue;
			free(pend[fd]);
			pend[fd] = NULL;
			plen[fd] = 0;
			epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
			close(fd);
		}
	}
}
