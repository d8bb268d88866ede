// Takes a link down after a delay, from a process started beforehand: the
// failover benchmark's cut, without the exec of `ip` (a new program under
// TCG) inside the window the probes measure.
//
// Usage: linkcut NETNS_FILE IFNAME DELAY_MS   (root)
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	struct ifreq ifr;
	long ms;
	int nsfd, fd;

	if (argc != 4) {
		fprintf(stderr, "usage: linkcut NETNS_FILE IFNAME DELAY_MS\n");
		return 2;
	}
	nsfd = open(argv[1], O_RDONLY);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		perror(argv[1]);
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, argv[2], IFNAMSIZ - 1);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		perror(argv[2]);
		return 1;
	}
	ms = atol(argv[3]);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	ifr.ifr_flags &= ~IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		perror("SIOCSIFFLAGS");
		return 1;
	}
	return 0;
}
