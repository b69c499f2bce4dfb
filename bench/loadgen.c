/*
 * loadgen: the load generator of bench/run, for inspraak and its peers.
 *
 * Three modes, each bounded in count and time and stopping by itself:
 *
 *   fanout  N event streams are opened by worker processes, spread over
 *           source addresses 127.0.0.1 ... 127.0.0.K (so N is not bound by
 *           the ephemeral port range). The parent measures the server's RSS
 *           and idle CPU, then publishes R changes one after the other and
 *           waits, per change, until every stream has it (or a timeout).
 *           Every stream finds a change by the text "revision":R in what it
 *           receives, the same for inspraak's state event and for the padded
 *           body published to the floor and to nchan. With --presenter P,
 *           P presenter streams (results, and every other one with the
 *           moderators' hidden answers) are opened and read first, so the
 *           memory per participant stream is measured next to them.
 *   storm   S participants, each on its own connection, each POST one answer
 *           at a moment spread evenly over W seconds; the parent follows the
 *           presenter's results stream until it shows the full count.
 *   ingest  C keep-alive connections POST distinct answers back to back for
 *           T seconds (a closed loop: the rate is what the server sustains).
 *
 * With --ports P1,P2,... (several nodes of one database) connection i goes
 * to port P(1 + i % n): streams, participants and ingest connections are
 * spread evenly; changes are published on the first node (--port, or P1),
 * and the storm follows the results stream of every node, reporting when
 * the last of them showed the full count.
 *
 * Workers share one anonymous shared mapping with the parent: arrival times
 * and counters are written there, so the parent does the statistics. Only
 * loopback addresses are ever used. Output: "key value" lines on stdout.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

enum { MAX_CHANGES = 100, MAX_WORKERS = 16, HIST_BUCKETS = 200000 /* 50 us each: 10 s */ };
enum { MAX_STREAMS = 200000, MAX_PIDS = 16, MAX_PORTS = 16, CONNECTS_IN_FLIGHT = 256 };

/* ---- options ---- */

static struct {
	const char *mode;
	int port, workers, addrs, changes, conns, presenters;
	long n;
	double window, secs, idle_secs, timeout;
	const char *code, *token, *stream_path, *publish_path, *answer_path;
	int pad;
	pid_t pids[MAX_PIDS];
	int n_pids;
	int ports[MAX_PORTS]; /* --ports: the nodes, connection i to ports[i % n_ports] */
	int n_ports;
} opt = {
    .port = 8080,
    .workers = 0,
    .addrs = 8,
    .changes = 20,
    .conns = 64,
    .n = 1000,
    .window = 2,
    .secs = 10,
    .idle_secs = 10,
    .timeout = 10,
    .pad = 0,
};

/* ---- shared between the parent and the workers ---- */

struct shared {
	_Atomic long connected, failed, closed, presenters;
	_Atomic int phase; /* 0 connect, 1 stop */
	long base_rev;
	int64_t start_ns; /* storm: when participant 0 starts */
	_Atomic long ok, errors, done;
	_Atomic int64_t last_ack_ns;
	_Atomic long delivered[MAX_CHANGES];
	_Atomic long hist[HIST_BUCKETS];
	/* fanout: arrival[change * n + stream], ns; 0 when not (yet) there */
	int64_t arrival[];
};

static struct shared *sh;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* A non-blocking socket from 127.0.0.(1 + i % K) to 127.0.0.1:port (with
 * --ports, the port of node i % n). */
static int open_conn(long i)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	struct sockaddr_in src = {.sin_family = AF_INET};
	src.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)(i % opt.addrs));
	if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) {
		close(fd);
		return -1;
	}
	int port = opt.n_ports ? opt.ports[i % opt.n_ports] : opt.port;
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	dst.sin_addr.s_addr = htonl(0x7f000001u);
	if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void hist_add(int64_t ns)
{
	long b = (long)(ns / 50000);
	if (b >= HIST_BUCKETS)
		b = HIST_BUCKETS - 1;
	if (b < 0)
		b = 0;
	atomic_fetch_add(&sh->hist[b], 1);
}

static double hist_pct(double p)
{
	long total = 0;
	for (long i = 0; i < HIST_BUCKETS; i++)
		total += sh->hist[i];
	if (!total)
		return 0;
	long want = (long)(p * (double)total), seen = 0;
	if (want >= total)
		want = total - 1;
	for (long i = 0; i < HIST_BUCKETS; i++) {
		seen += sh->hist[i];
		if (seen > want)
			return (double)(i + 1) * 0.05; /* upper edge, ms */
	}
	return 0;
}

/* ---- fanout workers: hold streams, note when each revision arrives ---- */

typedef struct stream {
	int fd;
	unsigned char state; /* 0 connecting, 1 waiting for the status, 2 streaming, 3 dead */
	unsigned char carry_len;
	char carry[30]; /* the tail of the last read: a match may span two reads */
	long idx;
} stream_t;

static char rbuf[65536 + 64];

static void note_revisions(stream_t *s, const char *p, size_t n)
{
	static const char pat[] = "\"revision\":";
	const char *end = p + n;
	while ((p = memmem(p, (size_t)(end - p), pat, sizeof pat - 1))) {
		p += sizeof pat - 1;
		long rev = 0;
		const char *q = p;
		while (q < end && *q >= '0' && *q <= '9')
			rev = rev * 10 + (*q++ - '0');
		if (q == end || q == p)
			break; /* incomplete: seen again with the next read */
		long k = rev - sh->base_rev - 1;
		if (k >= 0 && k < opt.changes) {
			int64_t *slot = &sh->arrival[k * opt.n + s->idx];
			if (*slot == 0) {
				*slot = now_ns();
				atomic_fetch_add(&sh->delivered[k], 1);
			}
		}
	}
}

static void stream_dead(stream_t *s, int ep)
{
	if (s->state == 3)
		return;
	if (s->state == 2)
		atomic_fetch_add(&sh->closed, 1);
	else
		atomic_fetch_add(&sh->failed, 1);
	epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->state = 3;
}

static void fanout_worker(long lo, long hi)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	stream_t *st = calloc((size_t)(hi - lo), sizeof *st);
	char req[512];
	int rlen =
	    snprintf(req, sizeof req,
	             "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
	             opt.stream_path);
	long next = lo, connecting = 0;
	int64_t deadline = now_ns() + (int64_t)(opt.timeout * 4 + opt.idle_secs + 60) * 1000000000;
	struct epoll_event evs[512];
	while (atomic_load(&sh->phase) == 0 && now_ns() < deadline) {
		while (next < hi && connecting < CONNECTS_IN_FLIGHT) {
			stream_t *s = &st[next - lo];
			s->idx = next++;
			s->fd = open_conn(s->idx);
			if (s->fd < 0) {
				s->state = 3;
				atomic_fetch_add(&sh->failed, 1);
				continue;
			}
			struct epoll_event e = {.events = EPOLLOUT, .data.ptr = s};
			epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &e);
			connecting++;
		}
		int n = epoll_wait(ep, evs, 512, 50);
		for (int i = 0; i < n; i++) {
			stream_t *s = evs[i].data.ptr;
			if (s->state == 0) {
				int err = 0;
				socklen_t el = sizeof err;
				getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &el);
				if (err || write(s->fd, req, (size_t)rlen) != rlen) {
					connecting--;
					stream_dead(s, ep);
					continue;
				}
				s->state = 1;
				struct epoll_event e = {.events = EPOLLIN, .data.ptr = s};
				epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &e);
				continue;
			}
			if (s->state == 3)
				continue;
			memcpy(rbuf, s->carry, s->carry_len);
			ssize_t r = read(s->fd, rbuf + s->carry_len, sizeof rbuf - 64);
			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				if (s->state == 1)
					connecting--;
				stream_dead(s, ep);
				continue;
			}
			size_t len = s->carry_len + (size_t)r;
			if (s->state == 1) {
				connecting--;
				if (len < 12 || memcmp(rbuf, "HTTP/1.1 200", 12) != 0) {
					stream_dead(s, ep);
					continue;
				}
				s->state = 2;
				atomic_fetch_add(&sh->connected, 1);
			}
			note_revisions(s, rbuf, len);
			s->carry_len =
			    (unsigned char)(len < sizeof s->carry ? len : sizeof s->carry);
			memcpy(s->carry, rbuf + len - s->carry_len, s->carry_len);
		}
	}
	/* Closing is left to exit(): the kernel closes every socket at once. */
	_exit(0);
}

/* Opens opt.presenters results streams with the bearer token (every other
 * one with ?hidden=1, as a moderator's panel) and reads them until the
 * parent is done, so that they cost the server what a live screen costs. */
static void presenter_worker(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	for (int i = 0; i < opt.presenters; i++) {
		int fd = open_conn(i);
		if (fd < 0)
			die("presenter stream");
		int fl = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		struct pollfd pf = {.fd = fd, .events = POLLOUT};
		poll(&pf, 1, 5000);
		char req[512];
		int n = snprintf(
		    req, sizeof req,
		    "GET /api/v1/sessions/%s/results/stream%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		    "Authorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n",
		    opt.code, i % 2 ? "?hidden=1" : "", opt.token);
		if (write(fd, req, (size_t)n) != n)
			die("presenter stream");
		char head[13] = {0};
		if (read(fd, head, 12) != 12 || memcmp(head, "HTTP/1.1 200", 12) != 0) {
			fprintf(stderr, "loadgen: a presenter stream was refused\n");
			_exit(1);
		}
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		struct epoll_event e = {.events = EPOLLIN, .data.fd = fd};
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
		atomic_fetch_add(&sh->presenters, 1);
	}
	int64_t deadline = now_ns() + (int64_t)(opt.timeout * 6 + opt.idle_secs + 600) * 1000000000;
	struct epoll_event evs[16];
	while (atomic_load(&sh->phase) == 0 && now_ns() < deadline) {
		int n = epoll_wait(ep, evs, 16, 50);
		for (int i = 0; i < n; i++)
			if (read(evs[i].data.fd, rbuf, sizeof rbuf) == 0)
				_exit(1);
	}
	_exit(0);
}

/* ---- request/response connections (storm and ingest) ---- */

typedef struct call {
	int fd;
	int state; /* 0 connecting, 1 sending, 2 reading, 3 done */
	long idx, seq;
	int64_t t0;
	size_t out_len, out_off, in_len;
	char out[1024];
	char in[4096];
} call_t;

static long g_slide;
static unsigned g_nonce;

static void build_answer(call_t *c, long who)
{
	char body[256];
	int bl = snprintf(body, sizeof body,
	                  "{\"id\":\"bench-%08x-%010ld\",\"slide\":%ld,\"value\":%ld}", g_nonce,
	                  who, g_slide, who % 3);
	c->out_len = (size_t)snprintf(c->out, sizeof c->out,
	                              "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                              "Content-Type: application/json\r\n"
	                              "Cookie: inspraak_p=%08x%024lx\r\n"
	                              "Content-Length: %d\r\n\r\n%s",
	                              opt.answer_path, g_nonce, who, bl, body);
	c->out_off = 0;
	c->in_len = 0;
}

/* 1 when a whole response is in c->in (status in *status), 0 when more is
 * needed, -1 when it cannot be read. */
static int response_complete(call_t *c, int *status)
{
	char *he = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	if (!he)
		return c->in_len == sizeof c->in ? -1 : 0;
	if (c->in_len < 12 || memcmp(c->in, "HTTP/1.1 ", 9) != 0)
		return -1;
	*status = atoi(c->in + 9);
	size_t cl = 0;
	for (char *p = c->in; p < he; p++) {
		if ((*p == '\n') && strncasecmp(p + 1, "content-length:", 15) == 0) {
			cl = (size_t)strtoul(p + 16, NULL, 10);
			break;
		}
	}
	size_t need = (size_t)(he + 4 - c->in) + cl;
	if (need > sizeof c->in)
		return -1;
	return c->in_len >= need ? 1 : 0;
}

static void call_finish(call_t *c, int ep, int status)
{
	int64_t t = now_ns();
	hist_add(t - c->t0);
	if (status >= 200 && status < 300) {
		atomic_fetch_add(&sh->ok, 1);
		int64_t prev = atomic_load(&sh->last_ack_ns);
		while (t > prev && !atomic_compare_exchange_weak(&sh->last_ack_ns, &prev, t))
			;
	} else {
		atomic_fetch_add(&sh->errors, 1);
	}
	(void)ep;
}

static void call_close(call_t *c, int ep)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->state = 3;
	atomic_fetch_add(&sh->done, 1);
}

/* Drives one call on an event; returns 1 when a response completed. */
static int call_event(call_t *c, int ep, uint32_t ev, int *status)
{
	if (c->state == 0) {
		int err = 0;
		socklen_t el = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err)
			return -1;
		c->state = 1;
	}
	if (c->state == 1) {
		ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->out_off += (size_t)w;
		if (c->out_off < c->out_len)
			return 0;
		c->state = 2;
		struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
		return 0;
	}
	if (c->state == 2 && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		ssize_t r = read(c->fd, c->in + c->in_len, sizeof c->in - c->in_len);
		if (r < 0)
			return errno == EAGAIN ? 0 : -1;
		if (r == 0)
			return -1;
		c->in_len += (size_t)r;
		int rc = response_complete(c, status);
		return rc;
	}
	return 0;
}

/* storm: participants lo..hi-1, participant i starts at start + i * W / S */
static void storm_worker(long lo, long hi)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	call_t *calls = calloc((size_t)(hi - lo), sizeof *calls);
	int64_t step = (int64_t)(opt.window * 1e9) / (opt.n > 0 ? opt.n : 1);
	int64_t end = sh->start_ns + (int64_t)((opt.window + opt.timeout) * 1e9);
	long next = lo, open = 0;
	struct epoll_event evs[512];
	while (now_ns() < end && (next < hi || open > 0)) {
		int64_t t = now_ns();
		while (next < hi && sh->start_ns + next * step <= t) {
			call_t *c = &calls[next - lo];
			c->idx = next;
			c->t0 = sh->start_ns + next * step;
			build_answer(c, next);
			next++;
			c->fd = open_conn(c->idx);
			if (c->fd < 0) {
				atomic_fetch_add(&sh->errors, 1);
				c->state = 3;
				continue;
			}
			struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
			epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
			open++;
		}
		int wait_ms = 5;
		if (next < hi) {
			int64_t d = sh->start_ns + next * step - now_ns();
			wait_ms = d <= 0 ? 0 : (int)(d / 1000000);
		}
		int n = epoll_wait(ep, evs, 512, wait_ms > 5 ? 5 : wait_ms);
		for (int i = 0; i < n; i++) {
			call_t *c = evs[i].data.ptr;
			if (c->state == 3)
				continue;
			int status = 0;
			int rc = call_event(c, ep, evs[i].events, &status);
			if (rc == 0)
				continue;
			if (rc < 0)
				atomic_fetch_add(&sh->errors, 1);
			else
				call_finish(c, ep, status);
			call_close(c, ep);
			open--;
		}
	}
	for (long i = lo; i < hi; i++)
		if (calls[i - lo].state != 3 && calls[i - lo].fd > 0)
			atomic_fetch_add(&sh->errors, 1); /* timed out */
	_exit(0);
}

/* ingest: `conns` keep-alive connections, each with one request in flight */
static void ingest_worker(int w, int conns)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	call_t *calls = calloc((size_t)conns, sizeof *calls);
	int64_t stop = sh->start_ns + (int64_t)(opt.secs * 1e9);
	int64_t end = stop + (int64_t)(opt.timeout * 1e9);
	long seq = (long)w << 40, open = 0;
	for (int i = 0; i < conns; i++) {
		call_t *c = &calls[i];
		c->idx = w * conns + i;
		c->fd = open_conn(c->idx);
		if (c->fd < 0) {
			atomic_fetch_add(&sh->errors, 1);
			c->state = 3;
			continue;
		}
		build_answer(c, seq++);
		c->t0 = now_ns();
		struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
		open++;
	}
	struct epoll_event evs[512];
	while (open > 0 && now_ns() < end) {
		int n = epoll_wait(ep, evs, 512, 20);
		for (int i = 0; i < n; i++) {
			call_t *c = evs[i].data.ptr;
			if (c->state == 3)
				continue;
			int status = 0;
			int rc = call_event(c, ep, evs[i].events, &status);
			if (rc == 0)
				continue;
			if (rc < 0) {
				atomic_fetch_add(&sh->errors, 1);
				call_close(c, ep);
				open--;
				continue;
			}
			call_finish(c, ep, status);
			if (now_ns() >= stop) {
				call_close(c, ep);
				open--;
				continue;
			}
			/* the next answer on the same connection, a new participant */
			build_answer(c, seq++);
			c->t0 = now_ns();
			c->state = 1;
			struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
			epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
		}
	}
	_exit(0);
}

/* ---- the parent: blocking requests, /proc, statistics ---- */

/* One request on a fresh connection from 127.0.0.1; the response (headers
 * and body) into out. Returns the status or -1. */
static int http_call(const char *method, const char *path, const char *body, char *out,
                     size_t outlen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
	dst.sin_addr.s_addr = htonl(0x7f000001u);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct timeval tv = {.tv_sec = (time_t)opt.timeout};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char req[4096];
	char auth[256] = "";
	if (opt.token)
		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", opt.token);
	int n = snprintf(req, sizeof req,
	                 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s"
	                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	                 method, path, auth, body ? strlen(body) : 0, body ? body : "");
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	size_t got = 0;
	ssize_t r;
	while (got + 1 < outlen && (r = read(fd, out + got, outlen - 1 - got)) > 0) {
		got += (size_t)r;
		out[got] = '\0';
		char *he = strstr(out, "\r\n\r\n");
		char *cl = strcasestr(out, "content-length:");
		if (he && cl && cl < he &&
		    got >= (size_t)(he + 4 - out) + strtoul(cl + 15, NULL, 10))
			break;
	}
	out[got] = '\0';
	close(fd);
	if (got < 12)
		return -1;
	return atoi(out + 9);
}

static long proc_status_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	long v = 0;
	size_t fl = strlen(field);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, fl) == 0 && line[fl] == ':')
			v = strtol(line + fl + 1, NULL, 10);
	fclose(f);
	return v;
}

static long rss_kib(const char *field)
{
	long t = 0;
	for (int i = 0; i < opt.n_pids; i++)
		t += proc_status_kib(opt.pids[i], field);
	return t;
}

/* CPU time (user + system) of the measured processes, in clock ticks. */
static long cpu_ticks(void)
{
	long t = 0;
	for (int i = 0; i < opt.n_pids; i++) {
		char path[64], buf[1024];
		snprintf(path, sizeof path, "/proc/%d/stat", (int)opt.pids[i]);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		char *p = strrchr(buf, ')');
		if (!p)
			continue;
		unsigned long ut = 0, st = 0;
		/* after ")": state, then fields 4..13, then utime (14) and stime (15) */
		if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
		           &st) == 2)
			t += (long)(ut + st);
	}
	return t;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static pid_t workers[MAX_WORKERS];

static void reap_workers(int n)
{
	for (int i = 0; i < n; i++)
		if (workers[i] > 0)
			waitpid(workers[i], NULL, 0);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_dbl);
	return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Publishes change k (1-based): a slide change through the control API for
 * inspraak, a padded body for the others. Returns 0 when accepted. */
static int publish(int k, long *rev_out)
{
	char out[16384], body[70000];
	if (opt.token && opt.code) {
		char path[256];
		snprintf(path, sizeof path, "/api/v1/sessions/%s/control", opt.code);
		int st = http_call("POST", path,
		                   k % 2 ? "{\"action\":\"next\"}" : "{\"action\":\"prev\"}", out,
		                   sizeof out);
		char *r = strstr(out, "\"revision\":");
		if (r && rev_out)
			*rev_out = strtol(r + 11, NULL, 10);
		return st == 200 ? 0 : -1;
	}
	int n = snprintf(body, sizeof body, "{\"revision\":%ld,\"pad\":\"", sh->base_rev + k);
	while (n < opt.pad - 2 && n < (int)sizeof body - 3)
		body[n++] = 'x';
	body[n++] = '"';
	body[n++] = '}';
	body[n] = '\0';
	int st = http_call("POST", opt.publish_path, body, out, sizeof out);
	return st >= 200 && st < 300 ? 0 : -1;
}

static pid_t presenter_pid;

static int run_fanout(void)
{
	if (opt.presenters > 0) {
		presenter_pid = fork();
		if (presenter_pid == 0)
			presenter_worker();
		if (presenter_pid < 0)
			die("fork");
		int64_t until = now_ns() + 10000000000LL;
		while (atomic_load(&sh->presenters) < opt.presenters && now_ns() < until)
			sleep_ms(10);
		if (atomic_load(&sh->presenters) < opt.presenters) {
			fprintf(stderr, "loadgen: the presenter streams did not open\n");
			kill(presenter_pid, SIGTERM);
			return 2;
		}
		sleep_ms(500);
	}
	long idle_rss = rss_kib("VmRSS");
	char out[65536];
	if (opt.token && opt.code) {
		char path[256];
		snprintf(path, sizeof path, "/api/v1/sessions/%s", opt.code);
		if (http_call("GET", path, NULL, out, sizeof out) != 200) {
			fprintf(stderr, "loadgen: cannot read the session state\n");
			return 2;
		}
		char *r = strstr(out, "\"revision\":");
		sh->base_rev = r ? strtol(r + 11, NULL, 10) : 0;
		char *body = strstr(out, "\r\n\r\n");
		printf("frame_bytes %zu\n", body ? strlen(body + 4) : 0);
	}
	int nw = opt.workers;
	for (int w = 0; w < nw; w++) {
		long lo = opt.n * w / nw, hi = opt.n * (w + 1) / nw;
		workers[w] = fork();
		if (workers[w] == 0)
			fanout_worker(lo, hi);
		if (workers[w] < 0)
			die("fork");
	}
	int64_t t0 = now_ns();
	int64_t limit = t0 + (int64_t)(opt.timeout * 6 * 1e9);
	while (atomic_load(&sh->connected) + atomic_load(&sh->failed) < opt.n && now_ns() < limit)
		sleep_ms(20);
	double connect_s = (double)(now_ns() - t0) / 1e9;
	sleep_ms(1000);
	long held_rss = rss_kib("VmRSS");
	long connected = atomic_load(&sh->connected);
	printf("streams %ld\nconnected %ld\nconnect_failed %ld\nconnect_s %.2f\n", opt.n, connected,
	       atomic_load(&sh->failed), connect_s);
	printf("rss_idle_kib %ld\nrss_held_kib %ld\n", idle_rss, held_rss);
	printf("bytes_per_stream %.0f\n",
	       connected ? (double)(held_rss - idle_rss) * 1024 / (double)connected : 0);
	printf("rss_per_1000_kib %.0f\n",
	       connected ? (double)(held_rss - idle_rss) * 1000 / (double)connected : 0);
	if (opt.idle_secs > 0) {
		long c0 = cpu_ticks();
		int64_t i0 = now_ns();
		sleep_ms((long)(opt.idle_secs * 1000));
		long c1 = cpu_ticks();
		double secs = (double)(now_ns() - i0) / 1e9;
		printf("idle_cpu_pct %.2f\n",
		       (double)(c1 - c0) / (double)sysconf(_SC_CLK_TCK) / secs * 100);
	}
	double last[MAX_CHANGES], p50[MAX_CHANGES], p99[MAX_CHANGES], mx[MAX_CHANGES];
	long lost = 0, publish_errors = 0, delivered = 0;
	int64_t t_pub[MAX_CHANGES];
	int64_t *d = malloc(sizeof *d * (size_t)opt.n);
	int rounds = 0;
	for (int k = 1; k <= opt.changes; k++) {
		long expect = atomic_load(&sh->connected) - atomic_load(&sh->closed);
		t_pub[k - 1] = now_ns();
		long rev = 0;
		if (publish(k, &rev) < 0)
			publish_errors++;
		int64_t until = now_ns() + (int64_t)(opt.timeout * 1e9);
		while (atomic_load(&sh->delivered[k - 1]) < expect && now_ns() < until)
			sleep_ms(1);
		long got = 0;
		for (long i = 0; i < opt.n; i++) {
			int64_t a = sh->arrival[(long)(k - 1) * opt.n + i];
			if (a)
				d[got++] = a - t_pub[k - 1];
		}
		lost += expect - got > 0 ? expect - got : 0;
		delivered += got;
		qsort(d, (size_t)got, sizeof *d, cmp_i64);
		if (got) {
			p50[rounds] = (double)d[got / 2] / 1e6;
			p99[rounds] =
			    (double)d[(long)((double)got * 0.99) < got ? (long)((double)got * 0.99)
			                                               : got - 1] /
			    1e6;
			mx[rounds] = (double)d[got - 1] / 1e6;
			last[rounds] = mx[rounds];
			rounds++;
		}
		sleep_ms(150);
	}
	long peak = rss_kib("VmHWM");
	atomic_store(&sh->phase, 1);
	reap_workers(nw);
	if (presenter_pid > 0)
		waitpid(presenter_pid, NULL, 0);
	printf("presenter_streams %ld\n", atomic_load(&sh->presenters));
	printf("changes %d\npublish_errors %ld\ndelivered %ld\nlost %ld\n", opt.changes,
	       publish_errors, delivered, lost);
	double p50s[MAX_CHANGES], p99s[MAX_CHANGES], maxs[MAX_CHANGES];
	memcpy(p50s, p50, sizeof p50);
	memcpy(p99s, p99, sizeof p99);
	memcpy(maxs, mx, sizeof mx);
	printf("delivery_p50_ms %.2f\ndelivery_p99_ms %.2f\ndelivery_max_ms %.2f\n",
	       median(p50s, rounds), median(p99s, rounds), median(maxs, rounds));
	printf("last_ms_median %.2f\n", median(last, rounds));
	printf("last_ms_min %.2f\nlast_ms_max %.2f\n", rounds ? last[0] : 0,
	       rounds ? last[rounds - 1] : 0);
	printf("rss_peak_kib %ld\n", peak);
	free(d);
	return 0;
}

/* The presenter's results stream: the newest "respondents" count and when
 * each count was first seen. */
typedef struct follow {
	int fd;
	char buf[1 << 16];
	size_t len;
	long count;
	int n_hist;
	struct {
		int64_t t;
		long count;
	} hist[20000];
} follow_t;

static int follow_open(follow_t *f, int port, const char *path)
{
	f->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	dst.sin_addr.s_addr = htonl(0x7f000001u);
	if (f->fd < 0 || connect(f->fd, (struct sockaddr *)&dst, sizeof dst) < 0)
		return -1;
	char req[1024];
	int n = snprintf(req, sizeof req,
	                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n",
	                 path, opt.token);
	if (write(f->fd, req, (size_t)n) != n)
		return -1;
	fcntl(f->fd, F_SETFL, O_NONBLOCK);
	f->count = -1;
	return 0;
}

/* Reads what is there; keeps the unfinished last event. */
static void follow_poll(follow_t *f)
{
	for (;;) {
		ssize_t r = read(f->fd, f->buf + f->len, sizeof f->buf - 1 - f->len);
		if (r <= 0)
			return;
		f->len += (size_t)r;
		f->buf[f->len] = '\0';
		char *p = f->buf, *e;
		while ((e = strstr(p, "\n\n"))) {
			*e = '\0';
			char *rc;
			if (strstr(p, "event: results") && (rc = strstr(p, "\"respondents\":"))) {
				long c = strtol(rc + 14, NULL, 10);
				if (c != f->count && f->n_hist < 20000) {
					f->hist[f->n_hist].t = now_ns();
					f->hist[f->n_hist].count = c;
					f->n_hist++;
				}
				f->count = c;
			}
			p = e + 2;
		}
		f->len -= (size_t)(p - f->buf);
		memmove(f->buf, p, f->len);
		if (f->len == sizeof f->buf - 1)
			f->len = 0; /* a single event larger than the buffer: not ours */
	}
}

/* When the follower first showed at least want answers: ns after t, or
 * -1e6 ns (never). */
static double follow_ms_after(const follow_t *f, long want, int64_t t)
{
	for (int i = 0; i < f->n_hist; i++)
		if (f->hist[i].count >= want)
			return (double)(f->hist[i].t - t) / 1e6;
	return -1;
}

static int run_requests(bool storm)
{
	char out[16384], path[256];
	/* the storm follows the results stream of every node (one without
	 * --ports) */
	follow_t *f[MAX_PORTS] = {NULL};
	int n_follow = 0;
	long before[MAX_PORTS] = {0};
	if (opt.code) {
		snprintf(path, sizeof path, "/api/v1/sessions/%s", opt.code);
		if (http_call("GET", path, NULL, out, sizeof out) != 200) {
			fprintf(stderr, "loadgen: cannot read the session state\n");
			return 2;
		}
		char *sl = strstr(out, "\"slide\":{");
		char *id = sl ? strstr(sl, "\"id\":") : NULL;
		g_slide = id ? strtol(id + 5, NULL, 10) : 0;
		if (!strstr(out, "\"open\":true"))
			fprintf(stderr, "loadgen: voting is not open on the current slide\n");
	}
	if (storm && opt.code && opt.token) {
		n_follow = opt.n_ports ? opt.n_ports : 1;
		snprintf(path, sizeof path, "/api/v1/sessions/%s/results/stream", opt.code);
		for (int i = 0; i < n_follow; i++) {
			f[i] = calloc(1, sizeof *f[i]);
			if (follow_open(f[i], opt.n_ports ? opt.ports[i] : opt.port, path) < 0) {
				fprintf(stderr, "loadgen: cannot open the results stream\n");
				return 2;
			}
			int64_t until = now_ns() + 2000000000;
			while (f[i]->count < 0 && now_ns() < until) {
				follow_poll(f[i]);
				sleep_ms(5);
			}
			before[i] = f[i]->count;
		}
	}
	sh->start_ns = now_ns() + 200000000;
	int nw = opt.workers;
	for (int w = 0; w < nw; w++) {
		workers[w] = fork();
		if (workers[w] == 0) {
			if (storm)
				storm_worker(opt.n * w / nw, opt.n * (w + 1) / nw);
			else
				ingest_worker(w, opt.conns / nw > 0 ? opt.conns / nw : 1);
		}
		if (workers[w] < 0)
			die("fork");
	}
	int alive = nw;
	while (alive > 0) {
		for (int i = 0; i < n_follow; i++)
			follow_poll(f[i]);
		int st;
		pid_t p = waitpid(-1, &st, n_follow ? WNOHANG : 0);
		if (p > 0)
			alive--;
		else if (n_follow)
			sleep_ms(1);
	}
	int64_t last_ack = atomic_load(&sh->last_ack_ns);
	long ok = atomic_load(&sh->ok), errors = atomic_load(&sh->errors);
	double span = storm ? (double)(last_ack - sh->start_ns) / 1e9 : opt.secs;
	printf("requests %ld\nok %ld\nerrors %ld\n", ok + errors, ok, errors);
	printf("ack_p50_ms %.2f\nack_p99_ms %.2f\nack_max_ms %.2f\n", hist_pct(0.5), hist_pct(0.99),
	       hist_pct(1.0));
	printf("answers_per_s %.0f\n", span > 0 ? (double)ok / span : 0);
	if (n_follow) {
		/* every node counts every answer (the answers of other nodes
		 * reach it over the bus): wait for all of them, a bounded time */
		int64_t until = now_ns() + 5000000000LL;
		for (;;) {
			bool all = true;
			for (int i = 0; i < n_follow; i++) {
				follow_poll(f[i]);
				all = all && f[i]->count >= before[i] + ok;
			}
			if (all || now_ns() >= until)
				break;
			sleep_ms(1);
		}
		double worst = 0;
		int complete = 0;
		for (int i = 0; i < n_follow; i++) {
			double ms = follow_ms_after(f[i], before[i] + ok, last_ack);
			if (ms > -1 || f[i]->count >= before[i] + ok)
				complete++;
			if (ms > worst)
				worst = ms;
			if (n_follow > 1)
				printf("node%d_count_before %ld\nnode%d_count_after %ld\n", i + 1,
				       before[i], i + 1, f[i]->count);
		}
		printf("count_before %ld\ncount_after %ld\n", before[0], f[0]->count);
		printf("nodes_complete %d of %d\n", complete, n_follow);
		printf("count_after_last_ack_ms %.1f\n", complete == n_follow && ok ? worst : -1.0);
		for (int i = 0; i < n_follow; i++) {
			close(f[i]->fd);
			free(f[i]);
		}
	}
	return 0;
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: loadgen fanout|storm|ingest --port P [options]\n"
	    "  --n N            streams (fanout) or participants (storm), default 1000\n"
	    "  --workers W      worker processes (default: one per 10,000 connections)\n"
	    "  --addrs K        source addresses 127.0.0.1 .. 127.0.0.K (default 8)\n"
	    "  --code CODE --token T   an inspraak session and a bearer token\n"
	    "  --stream PATH --publish PATH --pad BYTES   a plain pub/sub peer\n"
	    "  --answer PATH    where answers are posted (default: the session's)\n"
	    "  --changes R      fanout: changes to publish (default 20; 0 measures memory only)\n"
	    "  --presenter P    fanout: P presenter results streams open first (inspraak)\n"
	    "  --idle S         fanout: seconds of idle CPU measurement (default 10)\n"
	    "  --window W       storm: seconds over which participants start (default 2)\n"
	    "  --conns C --secs T   ingest: connections and seconds (64, 10)\n"
	    "  --pid PID[,PID]  the server's processes, for RSS and CPU\n"
	    "  --ports P1,P2..  several nodes: connection i to node i %% n (publish on P1)\n"
	    "  --timeout S      per change / per request (default 10)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	opt.mode = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--port"))
			opt.port = atoi(v);
		else if (!strcmp(a, "--n"))
			opt.n = atol(v);
		else if (!strcmp(a, "--workers"))
			opt.workers = atoi(v);
		else if (!strcmp(a, "--addrs"))
			opt.addrs = atoi(v);
		else if (!strcmp(a, "--code"))
			opt.code = v;
		else if (!strcmp(a, "--token"))
			opt.token = v;
		else if (!strcmp(a, "--stream"))
			opt.stream_path = v;
		else if (!strcmp(a, "--publish"))
			opt.publish_path = v;
		else if (!strcmp(a, "--answer"))
			opt.answer_path = v;
		else if (!strcmp(a, "--pad"))
			opt.pad = atoi(v);
		else if (!strcmp(a, "--changes"))
			opt.changes = atoi(v);
		else if (!strcmp(a, "--presenter"))
			opt.presenters = atoi(v);
		else if (!strcmp(a, "--idle"))
			opt.idle_secs = atof(v);
		else if (!strcmp(a, "--window"))
			opt.window = atof(v);
		else if (!strcmp(a, "--conns"))
			opt.conns = atoi(v);
		else if (!strcmp(a, "--secs"))
			opt.secs = atof(v);
		else if (!strcmp(a, "--timeout"))
			opt.timeout = atof(v);
		else if (!strcmp(a, "--pid")) {
			char *s = strdup(v), *tok, *save = NULL;
			for (tok = strtok_r(s, ",", &save); tok && opt.n_pids < MAX_PIDS;
			     tok = strtok_r(NULL, ",", &save))
				opt.pids[opt.n_pids++] = (pid_t)atoi(tok);
			free(s);
		} else if (!strcmp(a, "--ports")) {
			char *s = strdup(v), *tok, *save = NULL;
			for (tok = strtok_r(s, ",", &save); tok && opt.n_ports < MAX_PORTS;
			     tok = strtok_r(NULL, ",", &save))
				opt.ports[opt.n_ports++] = atoi(tok);
			free(s);
			if (opt.n_ports > 0)
				opt.port = opt.ports[0];
		} else
			usage();
	}
	/* Bounds: loopback only (by construction), and finite counts and times. */
	if (opt.n < 1 || opt.n > MAX_STREAMS || opt.changes < 0 || opt.changes > MAX_CHANGES ||
	    opt.presenters < 0 || opt.presenters > 16 || (opt.presenters && !opt.token) ||
	    opt.addrs < 1 || opt.addrs > 250 || opt.conns < 1 || opt.conns > 10000 ||
	    opt.secs > 120 || opt.window > 60 || opt.idle_secs > 120 || opt.timeout > 60 ||
	    opt.port < 1 || opt.port > 65535) {
		fprintf(stderr, "loadgen: an option is out of its bounds\n");
		return 2;
	}
	for (int i = 0; i < opt.n_ports; i++)
		if (opt.ports[i] < 1 || opt.ports[i] > 65535) {
			fprintf(stderr, "loadgen: a port is out of its bounds\n");
			return 2;
		}
	if (opt.workers <= 0)
		opt.workers = (int)((opt.n + 9999) / 10000);
	if (opt.workers > MAX_WORKERS)
		opt.workers = MAX_WORKERS;
	static char stream_path[256], answer_path[256];
	if (opt.code) {
		snprintf(stream_path, sizeof stream_path, "/api/v1/sessions/%s/stream", opt.code);
		snprintf(answer_path, sizeof answer_path, "/api/v1/sessions/%s/answers", opt.code);
		if (!opt.stream_path)
			opt.stream_path = stream_path;
		if (!opt.answer_path)
			opt.answer_path = answer_path;
	}
	g_nonce = (unsigned)(now_ns() ^ getpid());
	signal(SIGPIPE, SIG_IGN);
	bool fan = !strcmp(opt.mode, "fanout");
	size_t size = sizeof(struct shared) +
	              (fan ? sizeof(int64_t) * (size_t)opt.changes * (size_t)opt.n : 0);
	sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fan) {
		if (!opt.stream_path || (!opt.code && !opt.publish_path))
			usage();
		return run_fanout();
	}
	if (!opt.answer_path)
		usage();
	if (!strcmp(opt.mode, "storm"))
		return run_requests(true);
	if (!strcmp(opt.mode, "ingest")) {
		if (opt.workers > opt.conns)
			opt.workers = opt.conns;
		return run_requests(false);
	}
	usage();
	return 2;
}
