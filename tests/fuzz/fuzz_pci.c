// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the PCI bus and a virtio-pci device on it, driven through
 * every window a guest can reach: ECAM, ports 0xcf8/0xcfc, and the BAR
 * window (BAR sizing and moving, the command register, capabilities, the
 * MSI-X table and PBA, virtio common/notify/ISR/device config, queues
 * pointed at fake RAM). The transport must never crash, whatever the
 * order; the host bridge and the device are both in reach.
 */
#include <linux/virtio_ids.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "util.h"
#include "fakes.h"
#include "fuzz_ops.h"
#include "pci/pci.h"
#include "virtio/virtio_pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fix {
	struct bus pio, mmio;
	struct pci_bus pb;
	struct fake_plat fp;
	struct fake_dev fd;
	struct virtio_pci vp;
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
	bus_init(&f->pio);
	bus_init(&f->mmio);
	ok = !pci_bus_init(&f->pb, &f->pio, &f->mmio);
	fake_plat_init(&f->fp, false);
	ok = ok && !fake_dev_init_ram(&f->fd, VIRTIO_ID_BLOCK, 2, 64, ram) &&
	     !virtio_pci_create(&f->vp, &f->pb, &f->fd.d, &f->fp.plat, &err);
	while (ok && fuzz_op_next(&data, &size, &op)) {
		switch (op.window % 3) {
		case 0:
			bus_dispatch(&f->mmio, PCI_ECAM_BASE + op.off % PCI_ECAM_SIZE,
				     op.val, op.len, op.write);
			break;
		case 1:
			bus_dispatch(&f->pio, 0xcf8 + op.off % 8, op.val,
				     op.len > 4 ? 4 : op.len, op.write);
			break;
		default:
			bus_dispatch(&f->mmio, PCI_BAR_WINDOW_BASE +
				     op.off % PCI_BAR_WINDOW_SIZE, op.val, op.len,
				     op.write);
		}
	}
	if (ok)
		virtio_pci_destroy(&f->vp);
	fake_dev_exit(&f->fd);
	pci_bus_exit(&f->pb);
	bus_exit(&f->pio);
	bus_exit(&f->mmio);
	return 0;
}
