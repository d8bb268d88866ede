// ICMP echo prober for the failover benchmark: one echo request every
// INTERVAL microseconds on a fixed schedule, whatever the replies do, for
// SECONDS. Prints "<longest gap between replies, ms> <probes lost> <sent>
// <median gap between replies, ms> <longest loss window, ms>".
//
// The loss window is the outage as the network saw it: for the longest run
// of unanswered probes, the time from the send of the answered probe
// before it to the send of the answered probe after it (an upper bound:
// one lost probe at a 1 ms pace gives 2 ms; none lost gives 0). The gap between replies also
// holds the time the guest took to run the prober and deliver its
// replies, which under TCG is milliseconds while `ip link set down` and
// the failover keep both virtual CPUs busy.
//
// ping -i 0.001 cannot measure an outage below about 10 ms: while a probe
// is in flight and the next one is due within a jiffy, iputils polls for
// the reply for MIN_INTERVAL (10 ms) before it sends again (main_loop in
// ping_common.c), so one lost probe stops it for 10 ms whatever the
// network does. This prober never waits for a reply to send. It is C, not
// Python: under TCG a Python loop cannot keep a 1 ms pace.
//
// Usage: prober DST SECONDS [INTERVAL_US]   (root: a raw ICMP socket)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROBES 65536

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t csum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; n > 1; n -= 2)
		s += *w++;
	if (n)
		s += *(const uint8_t *)w;
	s = (s >> 16) + (s & 0xffff);
	s += s >> 16;
	return ~s;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static unsigned char got[MAX_PROBES];
	static double gaps[MAX_PROBES], sent_at[MAX_PROBES];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	double secs, interval, start, end, due, now, last = -1, maxgap = 0, window = 0;
	unsigned int sent = 0, ngaps = 0, lost = 0, tail, i, before = 0;
	int answered_yet = 0;
	uint16_t ident = getpid() & 0xffff;
	int fd;

	if (argc < 3 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: prober DST SECONDS [INTERVAL_US]\n");
		return 2;
	}
	secs = atof(argv[2]);
	interval = (argc > 3 ? atof(argv[3]) : 1000) / 1e6;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	start = now = due = now_s();
	end = start + secs;
	while (now < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec to;
		double wait;

		if (now >= due && sent < MAX_PROBES) {
			struct icmphdr h = { .type = ICMP_ECHO };

			h.un.echo.id = htons(ident);
			h.un.echo.sequence = htons(sent);
			h.checksum = csum(&h, sizeof(h));
			sent_at[sent] = now;
			// An error is a lost probe, not a reason to wait.
			sendto(fd, &h, sizeof(h), MSG_DONTWAIT, (struct sockaddr *)&dst, sizeof(dst));
			sent++;
			due += interval;
			if (due < now)
				due = now + interval;
		}
		wait = due - now_s();
		if (wait < 0)
			wait = 0;
		to.tv_sec = (time_t)wait;
		to.tv_nsec = (long)((wait - to.tv_sec) * 1e9);
		if (ppoll(&pfd, 1, &to, NULL) > 0) {
			unsigned char buf[2048];
			ssize_t n;

			now = now_s();
			while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
				struct iphdr *ip = (struct iphdr *)buf;
				struct icmphdr *ic;
				unsigned int seq;

				if (n < (ssize_t)sizeof(*ip) || n < ip->ihl * 4 + (ssize_t)sizeof(*ic))
					continue;
				ic = (struct icmphdr *)(buf + ip->ihl * 4);
				if (ic->type != ICMP_ECHOREPLY || ntohs(ic->un.echo.id) != ident)
					continue;
				seq = ntohs(ic->un.echo.sequence);
				if (seq < MAX_PROBES)
					got[seq] = 1;
				if (last >= 0) {
					if (now - last > maxgap)
						maxgap = now - last;
					if (ngaps < MAX_PROBES)
						gaps[ngaps++] = now - last;
				}
				last = now;
			}
		}
		now = now_s();
	}
	// Probes sent in the last 50 ms may still be on their way: not lost.
	tail = (unsigned int)(0.05 / interval);
	for (i = 0; i + tail < sent; i++) {
		lost += !got[i];
		if (!got[i])
			continue;
		if (answered_yet && i - before > 1 && sent_at[i] - sent_at[before] > window)
			window = sent_at[i] - sent_at[before];
		before = i;
		answered_yet = 1;
	}
	qsort(gaps, ngaps, sizeof(gaps[0]), cmp);
	printf("%.1f %u %u %.2f %.1f\n", maxgap * 1000, lost, sent, ngaps ? gaps[ngaps / 2] * 1000 : 0,
	       window * 1000);
	return 0;
}
