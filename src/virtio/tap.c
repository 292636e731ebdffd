// SPDX-License-Identifier: MIT
/*
 * Host taps. The error lines name what a user can do about the failure:
 * load tun, get CAP_NET_ADMIN, free a busy tap, match multi_queue.
 */
#include "virtio/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "virtio/net.h"

int tap_set_offload(int fd, unsigned int tun_flags)
{
	return ioctl(fd, TUNSETOFFLOAD, (unsigned long)tun_flags) < 0 ? -errno : 0;
}

void tap_close(int *fds, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* The offloads the tap takes, tried from the basic up. */
static unsigned int tap_probe_offloads(int fd)
{
	static const unsigned int steps[] = {
		TUN_F_CSUM,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_UFO,
	};
	unsigned int ok = 0;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (tap_set_offload(fd, steps[i]))
			break;
		ok = steps[i];
	}
	tap_set_offload(fd, 0);		/* until the guest says what it takes */
	return ok;
}

static int tap_error(struct errbuf *err, int e, const char *name)
{
	const char *n = name && *name ? name : "(new)";

	switch (e) {
	case ENOENT:
	case ENODEV:
		return errbuf_set(err, -e, "tap %s: /dev/net/tun is missing (load the tun module)", n);
	case EPERM:
	case EACCES:
		return errbuf_set(err, -e, "tap %s: permission denied (creating or opening a tap needs CAP_NET_ADMIN, or a tap made for this user with ip tuntap ... user)", n);
	case EBUSY:
		return errbuf_set(err, -e, "tap %s is busy: another program has it open (a multi_queue tap can be shared by queue)", n);
	case EINVAL:
		return errbuf_set(err, -e, "tap %s: its flags do not match (is it a tun, or made with or without multi_queue? queues > 1 needs multi_queue)", n);
	default:
		return errbuf_set(err, -e, "tap %s: %s", n, strerror(e));
	}
}

int tap_open(const char *name, unsigned int queues, int *fds, char *ifname,
	     unsigned int *offloads, bool *created, struct errbuf *err)
{
	struct ifreq ifr;
	int hdr = NET_HDR_LEN;

	for (unsigned int i = 0; i < queues; i++)
		fds[i] = -1;
	if (name && strlen(name) >= IFNAMSIZ)
		return errbuf_set(err, -EINVAL, "tap %s: name longer than %d bytes",
				  name, IFNAMSIZ - 1);
	*created = !name || !*name || !if_nametoindex(name);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name && *name ? name : "vmm%d");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
			(queues > 1 ? IFF_MULTI_QUEUE : 0);
	for (unsigned int i = 0; i < queues; i++) {
		int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

		if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0 ||
		    ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			tap_close(fds, queues);
			return tap_error(err, e, name);
		}
		fds[i] = fd;
		/* The first TUNSETIFF named it: the others attach to that. */
	}
	snprintf(ifname, IFNAMSIZ, "%s", ifr.ifr_name);
	*offloads = tap_probe_offloads(fds[0]);
	return 0;
}
