/* SPDX-License-Identifier: MIT */
/*
 * Hardware-reduced ACPI power management: the FADT's sleep control,
 * sleep status and reset registers, three byte-wide ports.
 */
#ifndef VMM_DEVICES_ACPI_PM_H
#define VMM_DEVICES_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

#define ACPI_PM_NR_PORTS	3
#define ACPI_PM_SLEEP_CTL	0	/* offsets from PORT_ACPI_PM */
#define ACPI_PM_SLEEP_STS	1
#define ACPI_PM_RESET		2

#define ACPI_PM_SLP_EN		0x20
#define ACPI_PM_SLP_TYP_SHIFT	2
#define ACPI_PM_SLP_TYP_MASK	0x1c
#define ACPI_PM_WAK_STS		0x80

struct acpi_pm {
	vm_event_fn ev;
	void *ev_ctx;
	uint8_t slp_typ;	/* SLP_TYP bits as last written (bits 4:2) */
	uint8_t sts;		/* sleep status; write 1 to clear */
};

/*
 * acpi_pm_init - registers at power-on (WAK_STS set) reporting to @ev
 * (may be NULL). Returns 0, or -EINVAL for a NULL @pm.
 */
int acpi_pm_init(struct acpi_pm *pm, vm_event_fn ev, void *ev_ctx);

/*
 * acpi_pm_io - bus_fn for the 3 ports (@ctx is the struct acpi_pm).
 * Sleep control: SLP_EN with SLP_TYP S5 reports VM_EVENT_POWEROFF.
 * Sleep status: reads the bits, writes of 1 clear them. Reset: writing
 * ACPI_RESET_VALUE reports VM_EVENT_RESET. Only byte accesses decode;
 * others read 0xff and write nothing. Offsets past 2 return -EINVAL.
 */
int acpi_pm_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
	       bool is_write);

#endif
