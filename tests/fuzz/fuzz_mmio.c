// SPDX-License-Identifier: MIT
/*
 * libFuzzer: a virtio-mmio (v2) transport's registers, any access size,
 * any order: feature selection and negotiation, status, queue set-up
 * pointed at fake RAM, notifies for queues that exist and that do not,
 * interrupt acknowledgement, config space past its end.
 */
#include <linux/virtio_ids.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "util.h"
#include "fakes.h"
#include "fuzz_ops.h"
#include "virtio/virtio_mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE	0xd0000000ULL
#define GSI	5

struct fix {
	struct bus mmio;
	struct fake_plat fp;
	struct fake_dev fd;
	struct virtio_mmio vm;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Set up again from scratch for every input (see fuzz_dev_ram). */
	static struct fix fix;
	uint8_t *ram = fuzz_dev_ram();
	struct fix *f = &fix;
	struct errbuf err = { { 0 } };
	struct fuzz_op op;
	bool ok;

	if (!ram)
		return 0;
	memset(f, 0, sizeof(*f));
	bus_init(&f->mmio);
	fake_plat_init(&f->fp, false);
	ok = !fake_dev_init_ram(&f->fd, VIRTIO_ID_CONSOLE, 2, 64, ram) &&
	     !virtio_mmio_create(&f->vm, &f->mmio, BASE, GSI, &f->fd.d,
				 &f->fp.plat, &err);
	while (ok && fuzz_op_next(&data, &size, &op))
		bus_dispatch(&f->mmio, BASE + op.off % 0x1000, op.val, op.len,
			     op.write);
	if (ok)
		virtio_mmio_destroy(&f->vm);
	fake_dev_exit(&f->fd);
	bus_exit(&f->mmio);
	return 0;
}
