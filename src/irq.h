/* SPDX-License-Identifier: MIT */
/*
 * KVM interrupt routing for the in-kernel irqchip: the default PIC and
 * IOAPIC routes for GSIs 0-23, plus one MSI route per vector that a
 * device (virtio-pci MSI-X) has allocated. KVM_SET_GSI_ROUTING replaces
 * the whole table, so the table is kept here and re-sent on each change.
 */
#ifndef VMM_IRQ_H
#define VMM_IRQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define IRQ_IOAPIC_PINS		24
#define IRQ_MAX_MSI		512

struct irq_msi {
	uint64_t addr;
	uint32_t data;
	bool used;
	bool routed;		/* unmasked, with a valid address */
};

struct irq_routing {
	int vm_fd;
	pthread_mutex_t lock;
	unsigned int nr_msi;
	struct irq_msi msi[IRQ_MAX_MSI];	/* GSI 24 + i */
};

/* irq_routing_init - no MSI routes yet; KVM keeps its defaults. */
void irq_routing_init(struct irq_routing *r, int vm_fd);

/* irq_routing_exit - release the lock. */
void irq_routing_exit(struct irq_routing *r);

/* irq_gsi_alloc - a fresh GSI for an MSI route, or -ENOSPC. */
int irq_gsi_alloc(struct irq_routing *r);

/*
 * irq_msi_route - point @gsi at MSI (@addr, @data), or route nothing
 * while @masked. Any thread.
 */
int irq_msi_route(struct irq_routing *r, unsigned int gsi, uint64_t addr,
		  uint32_t data, bool masked);

#endif
