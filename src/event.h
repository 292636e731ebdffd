/* SPDX-License-Identifier: MIT */
/*
 * The two ways a device talks back to the VM without knowing about it:
 * raising an interrupt line, and reporting a lifecycle event. Keeping
 * devices on these callbacks lets unit tests drive them with no VM.
 */
#ifndef VMM_EVENT_H
#define VMM_EVENT_H

enum vm_event {
	VM_EVENT_POWEROFF,	/* ACPI S5 */
	VM_EVENT_RESET,		/* i8042 0xFE, ACPI reset, triple fault */
	VM_EVENT_PANIC,		/* pvpanic "panicked" */
	VM_EVENT_EXIT_CODE,	/* the guest wrote a status to the exit port */
};

/* irq_set_fn - drive GSI @gsi to @level (1 asserted, 0 deasserted). */
typedef void (*irq_set_fn)(void *ctx, unsigned int gsi, int level);

/* vm_event_fn - report @ev; @code is the exit code for EXIT_CODE. */
typedef void (*vm_event_fn)(void *ctx, enum vm_event ev, int code);

#endif
