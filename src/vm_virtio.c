// SPDX-License-Identifier: MIT
/*
 * The VM side of virtio: the platform hooks transports use (KVM
 * ioeventfds, irqfds and MSI routes, event-loop kick watches).
 */
#include "vm_virtio.h"

#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "acpi.h"
#include "layout.h"
#include "pci/pci.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/net.h"
#include "virtio/tap.h"
#include "virtio/vsock.h"
#include "virtio/rng.h"
#include "vm.h"

static int plat_ioeventfd(void *ctx, uint64_t addr, uint32_t len, bool pio,
			  int efd, bool assign)
{
	struct vm *vm = ctx;
	struct kvm_ioeventfd io = {
		.addr = addr,
		.len = len,
		.fd = efd,
		.flags = (pio ? KVM_IOEVENTFD_FLAG_PIO : 0) |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}

static int plat_ioeventfd_match(void *ctx, uint64_t addr, uint32_t len,
				uint64_t datamatch, int efd, bool assign)
{
	struct vm *vm = ctx;
	struct kvm_ioeventfd io = {
		.datamatch = datamatch,
		.addr = addr,
		.len = len,
		.fd = efd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}

static int plat_gsi_alloc(void *ctx)
{
	struct vm *vm = ctx;

	return irq_gsi_alloc(&vm->irq);
}

static int plat_msi_route(void *ctx, unsigned int gsi, uint64_t addr,
			  uint32_t data, bool masked)
{
	struct vm *vm = ctx;

	return irq_msi_route(&vm->irq, gsi, addr, data, masked);
}

static int plat_irqfd(void *ctx, unsigned int gsi, int efd, bool assign)
{
	struct vm *vm = ctx;
	struct kvm_irqfd irqfd = {
		.fd = (uint32_t)efd,
		.gsi = gsi,
		.flags = assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN,
	};

	return ioctl(vm->vm_fd, KVM_IRQFD, &irqfd) < 0 ? -errno : 0;
}

/* A guest kick, on the event loop thread. */
static void plat_kick(void *ctx, unsigned int qi)
{
	struct virtio_dev *d = ctx;

	pthread_mutex_lock(&d->lock);
	if (!d->broken && (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	    qi < d->nr_queues && d->vqs[qi].ready)
		d->ops->queue_notify(d, qi);
	pthread_mutex_unlock(&d->lock);
}

static int plat_kick_watch(void *ctx, int efd, struct virtio_dev *d,
			   unsigned int qi, bool watch)
{
	struct vm *vm = ctx;

	if (!vm->evloop_ok)
		return watch ? -ESHUTDOWN : 0;
	if (!watch) {
		evloop_unwatch(&vm->evloop, efd);
		return 0;
	}
	return evloop_watch(&vm->evloop, efd, plat_kick, d, qi);
}

void vm_virtio_platform(struct vm *vm, struct virtio_platform *p)
{
	*p = (struct virtio_platform){
		.ctx = vm,
		.ioeventfd = plat_ioeventfd,
		.ioeventfd_match = plat_ioeventfd_match,
		.gsi_alloc = plat_gsi_alloc,
		.msi_route = plat_msi_route,
		.irqfd = plat_irqfd,
		.kick_watch = plat_kick_watch,
	};
}


/* GSIs for virtio-mmio devices: free IOAPIC pins, edge-triggered. */
static const unsigned int mmio_gsis[VM_MAX_MMIO] = {
	16, 17, 18, 19, 20, 21, 22, 23, 5, 6, 7, 9, 10, 11, 12, 14, 15,
};

static void vm_vdev_log(void *ctx, const char *msg)
{
	struct vm *vm = ctx;

	vm_log(vm, VMM_LOG_WARN, "%s", msg);
}

/* The next free device slot, set up with what every device needs. */
static struct vm_vdev *vm_vdev_new(struct vm *vm, const char *kind,
				   unsigned int n)
{
	struct vm_vdev *v;

	if (vm->nr_vdevs == VM_MAX_VDEVS)
		return NULL;
	v = &vm->vdevs[vm->nr_vdevs++];
	memset(v, 0, sizeof(*v));
	pthread_mutex_init(&v->dev.lock, NULL);
	v->dev.gm = &vm->mem;
	snprintf(v->name, sizeof(v->name), "%s%u", kind, n);
	v->dev.name = v->name;
	v->dev.log = vm_vdev_log;
	v->dev.log_ctx = vm;
	return v;
}

/* Put a created device on the configured transport. */
static int vm_vdev_attach(struct vm *vm, struct vm_vdev *v)
{
	int err;

	if (vm->cfg.transport == VMM_TRANSPORT_MMIO) {
		unsigned int i = vm->nr_mmio;

		if (i == VM_MAX_MMIO)
			return errbuf_set(&vm->err, -ENOSPC,
					  "too many virtio-mmio devices (at most %d)",
					  VM_MAX_MMIO);
		vm->mmio_devs[i] = (struct acpi_mmio_dev){
			.base = LAYOUT_VIRTIO_MMIO + i * LAYOUT_VIRTIO_MMIO_SLOT,
			.size = LAYOUT_VIRTIO_MMIO_SLOT,
			.gsi = mmio_gsis[i],
		};
		err = virtio_mmio_create(&v->mmio, &vm->mmio,
					 vm->mmio_devs[i].base,
					 vm->mmio_devs[i].gsi, &v->dev,
					 &vm->plat, &vm->err);
		if (!err)
			vm->nr_mmio++;
	} else {
		err = virtio_pci_create(&v->pci, &vm->pci, &v->dev, &vm->plat,
					&vm->err);
	}
	if (!err)
		v->attached = true;
	return err;
}

static int vm_add_disks(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_disks; i++) {
		struct blk_config bc = {
			.path = vm->disks[i].path,
			.read_only = vm->disks[i].read_only,
			.direct = vm->disks[i].direct,
			.id = vm->disks[i].id,
			.num_queues = vm->nr_vcpus,
			.io = &vm->dev_io,
		};
		struct vm_vdev *v = vm_vdev_new(vm, "virtio-blk", i);
		int err;

		if (!v)
			return errbuf_set(&vm->err, -ENOSPC, "too many devices");
		v->kind = VDEV_BLK;
		err = virtio_blk_create(&v->dev, &bc, &vm->err);
		if (err)
			return err;
		v->created = true;
		err = vm_vdev_attach(vm, v);
		if (err)
			return err;
	}
	return 0;
}

/*
 * A MAC for a NIC given none: locally administered (52:54:00, as QEMU),
 * and stable from run to run for the same tap name and NIC index, so a
 * guest's DHCP lease and interface naming do not change.
 */
static void vm_net_default_mac(const char *tap, unsigned int i, uint8_t mac[6])
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (const char *p = tap ? tap : ""; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ i) * 16777619u;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static int vm_add_net(struct vm *vm, unsigned int i)
{
	const struct vmm_net *n = &vm->nets[i];
	unsigned int queues = n->queues ? n->queues : 1;
	struct net_config nc = {
		.queue_pairs = queues,
		.io = &vm->dev_io,
		.set_offload = tap_set_offload,
	};
	static const uint8_t zero[6];
	struct vm_vdev *v = vm_vdev_new(vm, "virtio-net", i);
	bool created = false;
	int err;

	if (!v)
		return errbuf_set(&vm->err, -ENOSPC, "too many devices");
	v->kind = VDEV_NET;
	if (queues > VM_NET_MAX_QUEUES)
		return errbuf_set(&vm->err, -EINVAL,
				  "virtio-net%u: at most %d queue pairs", i,
				  VM_NET_MAX_QUEUES);
	struct errbuf tap_err;

	err = tap_open(n->tap, queues, v->tap_fds, v->ifname,
		       &nc.tap_offloads, &created, &tap_err);
	v->nr_tap_fds = queues;
	if (err) {
		/*
		 * No tap (missing and not ours to make, busy, ...): the
		 * guest still gets its NIC, with the link down, and the VM
		 * runs; the line says why.
		 */
		vm_log(vm, VMM_LOG_WARN, "virtio-net%u: %s; the NIC's link is down",
		       i, tap_err.msg);
		created = false;
	} else if (created)
		vm_log(vm, VMM_LOG_WARN,
		       "virtio-net%u: no tap given, created tap %s (it goes away when the VM ends)",
		       i, v->ifname);
	if (memcmp(n->mac, zero, 6))
		memcpy(nc.mac, n->mac, 6);
	else
		vm_net_default_mac(n->tap ? n->tap : "", i, nc.mac);
	nc.tap_fds = v->tap_fds;
	err = virtio_net_create(&v->dev, &nc, &vm->err);
	if (err)
		return err;
	v->created = true;
	return vm_vdev_attach(vm, v);
}

static int vm_add_nets(struct vm *vm)
{
	int err = 0;

	for (unsigned int i = 0; i < vm->nr_nets && !err; i++)
		err = vm_add_net(vm, i);
	return err;
}

static int vm_vsock_watch(void *wctx, int fd,
			  void (*fn)(void *ctx, unsigned int arg), void *ctx,
			  unsigned int arg)
{
	struct vm *vm = wctx;

	if (!vm->evloop_ok)
		return -ESHUTDOWN;
	return evloop_watch(&vm->evloop, fd, fn, ctx, arg);
}

static void vm_vsock_unwatch(void *wctx, int fd)
{
	struct vm *vm = wctx;

	/* After teardown stopped the loop there is nothing to cancel. */
	if (vm->evloop_ok)
		evloop_unwatch(&vm->evloop, fd);
}

static int vm_add_vsock(struct vm *vm)
{
	struct vsock_config vc = {
		.guest_cid = vm->cfg.vsock_cid,
		.watch = vm_vsock_watch,
		.unwatch = vm_vsock_unwatch,
		.wctx = vm,
	};
	struct vm_vdev *v = vm_vdev_new(vm, "virtio-vsock", 0);
	int err;

	if (!v)
		return errbuf_set(&vm->err, -ENOSPC, "too many devices");
	v->kind = VDEV_VSOCK;
	err = virtio_vsock_create(&v->dev, &vc, &vm->err);
	if (err)
		return err;
	v->created = true;
	return vm_vdev_attach(vm, v);
}

static int vm_add_rng(struct vm *vm)
{
	struct vm_vdev *v = vm_vdev_new(vm, "virtio-rng", 0);
	int err;

	if (!v)
		return errbuf_set(&vm->err, -ENOSPC, "too many devices");
	v->kind = VDEV_RNG;
	err = virtio_rng_create(&v->dev);
	if (err)
		return errbuf_set(&vm->err, err, "virtio-rng: %s",
				  strerror(-err));
	v->created = true;
	return vm_vdev_attach(vm, v);
}

static void vm_console_out(void *ctx, const char *buf, size_t len)
{
	struct vm *vm = ctx;

	vm_mark(vm, VM_T_FIRST_CONSOLE);
	if (vm->cfg.console_out)
		vm->cfg.console_out(vm->cfg.opaque, buf, len);
}

/* Host input was queued: hand it to the guest on the loop thread. */
static void vm_console_rx_kick(void *ctx, unsigned int arg)
{
	virtio_console_flush_rx(ctx);
}

static int vm_add_console(struct vm *vm)
{
	struct vm_vdev *v = vm_vdev_new(vm, "virtio-console", 0);
	int err;

	if (!v)
		return errbuf_set(&vm->err, -ENOSPC, "too many devices");
	v->kind = VDEV_CONSOLE;
	err = virtio_console_create(&v->dev, vm_console_out, vm);
	if (err)
		return errbuf_set(&vm->err, err, "virtio-console: %s",
				  strerror(-err));
	v->created = true;
	vm->console = &v->dev;
	vm->console_rx_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->console_rx_fd < 0)
		return errbuf_set(&vm->err, -errno, "eventfd: %s",
				  strerror(errno));
	err = evloop_watch(&vm->evloop, vm->console_rx_fd, vm_console_rx_kick,
			   &v->dev, 0);
	if (err)
		return errbuf_set(&vm->err, err, "virtio-console: %s",
				  strerror(-err));
	return vm_vdev_attach(vm, v);
}

int vm_virtio_console_write(struct vm *vm, const void *buf, size_t len)
{
	uint64_t one = 1;
	size_t n;

	if (!vm->console)
		return -ENODEV;
	n = virtio_console_receive(vm->console, buf, len);
	if (n && write(vm->console_rx_fd, &one, sizeof(one)) < 0)
		return -errno;
	return (int)n;
}

int vm_virtio_setup(struct vm *vm)
{
	int err;

	vm->console_rx_fd = -1;
	irq_routing_init(&vm->irq, vm->vm_fd);
	vm_virtio_platform(vm, &vm->plat);
	err = evloop_init(&vm->evloop, 256);
	vm->evloop_ok = true;
	if (err)
		return errbuf_set(&vm->err, err, "io_uring event loop: %s",
				  strerror(-err));
	dev_io_evloop(&vm->dev_io, &vm->evloop);
	if (vm->cfg.transport == VMM_TRANSPORT_PCI) {
		err = pci_bus_init(&vm->pci, &vm->pio, &vm->mmio);
		if (err)
			return errbuf_set(&vm->err, err, "PCI bus: %s",
					  strerror(-err));
		vm->pci_ok = true;
	} else {
		/* One window for all virtio-mmio slots keeps the bus simple. */
	}
	err = vm_add_disks(vm);
	if (!err)
		err = vm_add_nets(vm);
	if (!err && vm->cfg.vsock_cid)
		err = vm_add_vsock(vm);
	if (!err && !vm->cfg.no_rng)
		err = vm_add_rng(vm);
	if (!err && vm->cfg.console == VMM_CONSOLE_VIRTIO)
		err = vm_add_console(vm);
	return err;
}

/* The device thread confines itself before it serves any guest kick. */
static int vm_io_thread_init(void *ctx)
{
	struct vm *vm = ctx;

	return sandbox_enter(&vm->sandbox, SANDBOX_IO);
}

int vm_virtio_start(struct vm *vm)
{
	int err = evloop_start(&vm->evloop, vm_io_thread_init, vm);

	if (err)
		return errbuf_set(&vm->err, err, "event loop thread: %s",
				  strerror(-err));
	return 0;
}

/* The device half of @v, by kind; the event loop is stopped. */
static void vm_vdev_destroy(struct vm_vdev *v)
{
	switch (v->kind) {
	case VDEV_BLK:
		virtio_blk_destroy(&v->dev);
		break;
	case VDEV_RNG:
		virtio_rng_destroy(&v->dev);
		break;
	case VDEV_CONSOLE:
		virtio_console_destroy(&v->dev);
		break;
	case VDEV_NET:
		virtio_net_destroy(&v->dev);
		break;
	case VDEV_VSOCK:
		virtio_vsock_destroy(&v->dev);
		break;
	}
	v->created = false;
}

void vm_virtio_teardown(struct vm *vm)
{
	/*
	 * Transports first, while the loop still runs: they cancel their
	 * kick watches on it. Then the loop, so no completion can run while
	 * the devices themselves go away.
	 */
	for (unsigned int i = vm->nr_vdevs; i-- > 0;) {
		struct vm_vdev *v = &vm->vdevs[i];

		if (!v->attached)
			continue;
		if (vm->cfg.transport == VMM_TRANSPORT_MMIO)
			virtio_mmio_destroy(&v->mmio);
		else
			virtio_pci_destroy(&v->pci);
		v->attached = false;
	}
	if (vm->evloop_ok)
		evloop_exit(&vm->evloop);
	vm->evloop_ok = false;
	for (unsigned int i = vm->nr_vdevs; i-- > 0;) {
		struct vm_vdev *v = &vm->vdevs[i];

		if (v->created)
			vm_vdev_destroy(v);
		if (v->nr_tap_fds)
			tap_close(v->tap_fds, v->nr_tap_fds);
		v->nr_tap_fds = 0;
		pthread_mutex_destroy(&v->dev.lock);
	}
	vm->nr_vdevs = 0;
	vm->console = NULL;
	if (vm->console_rx_fd >= 0)
		close(vm->console_rx_fd);
	vm->console_rx_fd = -1;
	if (vm->pci_ok)
		pci_bus_exit(&vm->pci);
	vm->pci_ok = false;
	irq_routing_exit(&vm->irq);
}
