// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the 8250 UART's eight ports (divisor latch, FIFO control,
 * loopback, interrupt enables, scratch), with host input arriving
 * between accesses. Output and the interrupt line go to counters.
 */
#include <stdlib.h>

#include "devices/uart8250.h"
#include "fuzz_ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_irq(void *ctx, unsigned int gsi, int level)
{
	(*(unsigned long *)ctx)++;
}

static void on_out(void *ctx, const uint8_t *buf, size_t len)
{
	*(unsigned long *)ctx += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct uart8250 u;
	unsigned long irqs = 0, out = 0;
	struct fuzz_op op;

	if (uart8250_init(&u, 4, on_irq, &irqs, on_out, &out))
		return 0;
	while (fuzz_op_next(&data, &size, &op)) {
		if (op.window == 31) {
			uart8250_receive(&u, op.val, op.len);
			continue;
		}
		uart8250_io(&u, op.off % 9, op.val, op.len, op.write);
	}
	uart8250_exit(&u);
	return 0;
}
