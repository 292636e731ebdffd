// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the ACPI table builder's inputs (vCPU count, virtio-mmio
 * devices with any base, size and GSI, PCI on or off, the power button's
 * GSI). Whatever it is asked, it must refuse cleanly or write tables
 * that stay inside their window; fake RAM ends right after the window,
 * so writing past it faults.
 */
#include <stdint.h>
#include <string.h>

#include "acpi.h"
#include "fuzz_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_mmio_dev devs[ACPI_MAX_MMIO_DEVS + 8];
	const struct guest_mem *gm = fuzz_mem();
	struct acpi_config cfg;
	struct errbuf err;
	uint64_t rsdp;
	unsigned int n;

	if (!gm || size < 4)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.nr_cpus = data[0] | (data[1] & 1) << 8;	/* 0 .. 511 */
	cfg.pci = data[1] & 2;
	cfg.ged_gsi = data[2];
	n = data[3];
	data += 4;
	size -= 4;
	if (n > size / 20)
		n = (unsigned int)(size / 20);
	for (unsigned int i = 0; i < n; i++, data += 20) {
		memcpy(&devs[i].base, data, 8);
		memcpy(&devs[i].size, data + 8, 8);
		memcpy(&devs[i].gsi, data + 16, 4);
	}
	cfg.mmio_devs = devs;
	cfg.nr_mmio_devs = n;
	acpi_build(gm, &cfg, &rsdp, &err);
	return 0;
}
