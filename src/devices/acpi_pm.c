// SPDX-License-Identifier: MIT
/*
 * ACPI sleep and reset registers for a hardware-reduced platform.
 *
 * With no PM1 blocks, Linux's ACPICA powers off by clearing WAK_STS in
 * the FADT's sleep status register and writing SLP_TYP (from the DSDT's
 * _S5 package) together with SLP_EN to the sleep control register; it
 * reboots by writing the FADT's reset value to the reset register
 * (reboot=a, also tried first by default). We turn those writes into VM
 * events. Only S5 is offered, so other sleep types are ignored rather
 * than pretending to suspend.
 */
#include "devices/acpi_pm.h"

#include <errno.h>
#include <string.h>

#include "layout.h"

int acpi_pm_init(struct acpi_pm *pm, vm_event_fn ev, void *ev_ctx)
{
	if (!pm)
		return -EINVAL;
	pm->ev = ev;
	pm->ev_ctx = ev_ctx;
	pm->slp_typ = 0;
	pm->sts = ACPI_PM_WAK_STS;
	return 0;
}

static void acpi_pm_report(struct acpi_pm *pm, enum vm_event ev)
{
	if (pm->ev)
		pm->ev(pm->ev_ctx, ev, 0);
}

/* acpi_pm_sleep - SLP_EN starts the transition to the typed state. */
static void acpi_pm_sleep(struct acpi_pm *pm, uint8_t v)
{
	unsigned int typ = (v & ACPI_PM_SLP_TYP_MASK) >> ACPI_PM_SLP_TYP_SHIFT;

	pm->slp_typ = v & ACPI_PM_SLP_TYP_MASK;
	if ((v & ACPI_PM_SLP_EN) && typ == ACPI_S5_TYPE)
		acpi_pm_report(pm, VM_EVENT_POWEROFF);
}

static void acpi_pm_write(struct acpi_pm *pm, unsigned int off, uint8_t v)
{
	switch (off) {
	case ACPI_PM_SLEEP_CTL:
		acpi_pm_sleep(pm, v);
		break;
	case ACPI_PM_SLEEP_STS:
		pm->sts &= (uint8_t)~v;
		break;
	case ACPI_PM_RESET:
		if (v == ACPI_RESET_VALUE)
			acpi_pm_report(pm, VM_EVENT_RESET);
		break;
	}
}

static uint8_t acpi_pm_read(const struct acpi_pm *pm, unsigned int off)
{
	switch (off) {
	case ACPI_PM_SLEEP_CTL:
		/* SLP_EN is write-only and reads 0. */
		return pm->slp_typ;
	case ACPI_PM_SLEEP_STS:
		return pm->sts;
	default:
		/* The reset register is write-only. */
		return 0;
	}
}

int acpi_pm_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
	       bool is_write)
{
	struct acpi_pm *pm = ctx;

	if (offset >= ACPI_PM_NR_PORTS || len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return offset >= ACPI_PM_NR_PORTS ? -EINVAL : 0;
	}
	if (is_write)
		acpi_pm_write(pm, (unsigned int)offset, data[0]);
	else
		data[0] = acpi_pm_read(pm, (unsigned int)offset);
	return 0;
}
