// SPDX-License-Identifier: MIT
/*
 * kvm-hold: keep one empty KVM VM open until killed.
 *
 * KVM turns hardware virtualization on when the first VM is created and
 * off when the last one goes, with an IPI to every CPU each time. In the
 * nested test machine (a TCG-emulated CPU with AMD-V) those IPIs are where
 * the emulated machine has been seen to wedge, and a suite of short-lived
 * VMs makes hundreds of them. Holding one VM for the whole suite keeps
 * virtualization on, so each test's VM creation and teardown are cheap
 * and take no global IPI. The tests' own VMs are unaffected.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm < 0 || ioctl(kvm, KVM_CREATE_VM, 0) < 0) {
		fprintf(stderr, "kvm-hold: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	for (;;)
		pause();
}
