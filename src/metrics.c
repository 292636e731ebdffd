// SPDX-License-Identifier: MIT
/*
 * Metrics: userspace exits by kind and by device, virtio traffic per
 * device, and boot-phase timings, as one JSON object. Every counter is
 * a relaxed atomic with one writer, so reading them never stops the VM.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vm.h"

uint64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void vm_mark(struct vm *vm, enum vm_timing t)
{
	uint64_t zero = 0;

	/* Cheap on the hot path: only the first caller pays for the CAS. */
	if (atomic_load_explicit(&vm->t_mark[t], memory_order_relaxed))
		return;
	atomic_compare_exchange_strong(&vm->t_mark[t], &zero, vm_now_ns());
}

/* An output buffer that remembers running out of room. */
struct jbuf {
	char *p;
	size_t len, pos;
	bool full;
};

__attribute__((format(printf, 2, 3)))
static void jb_printf(struct jbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->pos, b->len - b->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->pos)
		b->full = true;
	else
		b->pos += (size_t)n;
}

/* A JSON string; names are ours, but escape them all the same. */
static void jb_str(struct jbuf *b, const char *s)
{
	jb_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			jb_printf(b, "\\%c", c);
		else if (c < 0x20)
			jb_printf(b, "\\u%04x", c);
		else
			jb_printf(b, "%c", c);
	}
	jb_printf(b, "\"");
}

static uint64_t rd(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

static void metrics_bus(struct jbuf *b, const char *key, struct bus *bus)
{
	jb_printf(b, "\"%s\":{", key);
	for (unsigned int i = 0, n = 0; i < bus->nr; i++) {
		uint64_t hits = rd(&bus->ranges[i].hits);

		if (!hits)
			continue;
		jb_printf(b, "%s", n++ ? "," : "");
		jb_str(b, bus->ranges[i].name ? bus->ranges[i].name : "?");
		jb_printf(b, ":%llu", (unsigned long long)hits);
	}
	jb_printf(b, "}");
}

static void metrics_exits(struct jbuf *b, struct vm *vm)
{
	static const char *const kind[VCPU_EXIT_NR] = {
		[VCPU_EXIT_IO] = "io", [VCPU_EXIT_MMIO] = "mmio",
		[VCPU_EXIT_INTR] = "intr", [VCPU_EXIT_OTHER] = "other",
	};
	uint64_t sum[VCPU_EXIT_NR] = { 0 }, total = 0;

	for (unsigned int i = 0; vm->vcpus && i < vm->nr_vcpus; i++)
		for (int k = 0; k < VCPU_EXIT_NR; k++)
			sum[k] += rd(&vm->vcpus[i].exits[k]);
	jb_printf(b, "\"exits\":{");
	for (int k = 0; k < VCPU_EXIT_NR; k++) {
		jb_printf(b, "\"%s\":%llu,", kind[k], (unsigned long long)sum[k]);
		total += sum[k];
	}
	jb_printf(b, "\"total\":%llu,", (unsigned long long)total);
	metrics_bus(b, "io_by_device", &vm->pio);
	jb_printf(b, ",");
	metrics_bus(b, "mmio_by_device", &vm->mmio);
	jb_printf(b, "}");
}

static void metrics_devices(struct jbuf *b, struct vm *vm)
{
	jb_printf(b, "\"devices\":[");
	for (unsigned int i = 0; i < vm->nr_vdevs; i++) {
		struct virtio_dev *d = &vm->vdevs[i].dev;
		uint64_t chains = 0, out = 0, in = 0;

		for (unsigned int q = 0; q < d->nr_queues; q++) {
			chains += rd(&d->vqs[q].stat_chains);
			out += rd(&d->vqs[q].stat_bytes_out);
			in += rd(&d->vqs[q].stat_bytes_in);
		}
		jb_printf(b, "%s{\"name\":", i ? "," : "");
		jb_str(b, vm->vdevs[i].name);
		jb_printf(b, ",\"requests\":%llu,\"bytes_from_guest\":%llu,"
			  "\"bytes_to_guest\":%llu}", (unsigned long long)chains,
			  (unsigned long long)out, (unsigned long long)in);
	}
	jb_printf(b, "]");
}

static void metrics_timings(struct jbuf *b, struct vm *vm)
{
	static const char *const name[VM_T_NR] = {
		[VM_T_READY] = "vm_ready",
		[VM_T_FIRST_RUN] = "first_vcpu_entry",
		[VM_T_FIRST_CONSOLE] = "first_console_byte",
		[VM_T_BOOT_DONE] = "boot_done",
		[VM_T_SHUTDOWN] = "shutdown",
	};

	jb_printf(b, "\"timings_ms\":{");
	for (int t = 0; t < VM_T_NR; t++) {
		uint64_t at = rd(&vm->t_mark[t]);

		jb_printf(b, "%s\"%s\":", t ? "," : "", name[t]);
		if (at && at >= vm->t_origin)
			jb_printf(b, "%.3f", (double)(at - vm->t_origin) / 1e6);
		else
			jb_printf(b, "null");
	}
	jb_printf(b, "}");
}

int vm_metrics_json(struct vm *vm, char *buf, size_t len)
{
	struct jbuf b = { .p = buf, .len = len };

	if (!len)
		return -ENOSPC;
	jb_printf(&b, "{");
	metrics_exits(&b, vm);
	jb_printf(&b, ",");
	metrics_devices(&b, vm);
	jb_printf(&b, ",");
	metrics_timings(&b, vm);
	jb_printf(&b, "}");
	return b.full ? -ENOSPC : (int)b.pos;
}
