// SPDX-License-Identifier: MIT
#include "irq.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define IRQ_PIC_PINS	16

void irq_routing_init(struct irq_routing *r, int vm_fd)
{
	memset(r, 0, sizeof(*r));
	r->vm_fd = vm_fd;
	pthread_mutex_init(&r->lock, NULL);
}

void irq_routing_exit(struct irq_routing *r)
{
	pthread_mutex_destroy(&r->lock);
}

int irq_gsi_alloc(struct irq_routing *r)
{
	int gsi;

	pthread_mutex_lock(&r->lock);
	if (r->nr_msi == IRQ_MAX_MSI) {
		pthread_mutex_unlock(&r->lock);
		return -ENOSPC;
	}
	r->msi[r->nr_msi].used = true;
	gsi = IRQ_IOAPIC_PINS + (int)r->nr_msi++;
	pthread_mutex_unlock(&r->lock);
	return gsi;
}

static void irq_entry_chip(struct kvm_irq_routing_entry *e, unsigned int gsi,
			   unsigned int chip, unsigned int pin)
{
	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_IRQCHIP;
	e->u.irqchip.irqchip = chip;
	e->u.irqchip.pin = pin;
}

/* The same defaults KVM installs, which SET_GSI_ROUTING would drop. */
static unsigned int irq_fill_defaults(struct kvm_irq_routing_entry *e)
{
	unsigned int n = 0;

	for (unsigned int gsi = 0; gsi < IRQ_IOAPIC_PINS; gsi++) {
		if (gsi < IRQ_PIC_PINS)
			irq_entry_chip(&e[n++], gsi,
				       gsi < 8 ? KVM_IRQCHIP_PIC_MASTER :
						 KVM_IRQCHIP_PIC_SLAVE,
				       gsi % 8);
		irq_entry_chip(&e[n++], gsi, KVM_IRQCHIP_IOAPIC, gsi);
	}
	return n;
}

/* Caller holds r->lock. */
static int irq_commit(struct irq_routing *r)
{
	size_t max = IRQ_PIC_PINS + IRQ_IOAPIC_PINS + IRQ_MAX_MSI;
	struct kvm_irq_routing *t;
	unsigned int n;
	int err = 0;

	t = calloc(1, sizeof(*t) + max * sizeof(t->entries[0]));
	if (!t)
		return -ENOMEM;
	n = irq_fill_defaults(t->entries);
	for (unsigned int i = 0; i < r->nr_msi; i++) {
		struct kvm_irq_routing_entry *e = &t->entries[n];

		if (!r->msi[i].routed)
			continue;
		memset(e, 0, sizeof(*e));
		e->gsi = IRQ_IOAPIC_PINS + i;
		e->type = KVM_IRQ_ROUTING_MSI;
		e->u.msi.address_lo = (uint32_t)r->msi[i].addr;
		e->u.msi.address_hi = (uint32_t)(r->msi[i].addr >> 32);
		e->u.msi.data = r->msi[i].data;
		n++;
	}
	t->nr = n;
	if (ioctl(r->vm_fd, KVM_SET_GSI_ROUTING, t) < 0)
		err = -errno;
	free(t);
	return err;
}

int irq_msi_route(struct irq_routing *r, unsigned int gsi, uint64_t addr,
		  uint32_t data, bool masked)
{
	struct irq_msi *m;
	int err;

	if (gsi < IRQ_IOAPIC_PINS || gsi - IRQ_IOAPIC_PINS >= IRQ_MAX_MSI)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	m = &r->msi[gsi - IRQ_IOAPIC_PINS];
	if (!m->used) {
		pthread_mutex_unlock(&r->lock);
		return -EINVAL;
	}
	/* Only the LAPIC's MSI window can be a valid target. */
	m->routed = !masked && (addr & 0xfff00000ULL) == 0xfee00000ULL;
	m->addr = addr;
	m->data = data;
	err = irq_commit(r);
	pthread_mutex_unlock(&r->lock);
	return err;
}
