// SPDX-License-Identifier: MIT
/* libFuzzer: the Multiboot v1 header (ELF32 or a.out kludge), then the load. */
#include <stdint.h>

#include "fuzz_mem.h"
#include "loader/multiboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct guest_mem *gm = fuzz_mem();
	struct mb_kernel k;
	struct errbuf err;

	if (!gm || multiboot_find_header(data, size, false) < 0)
		return 0;
	if (!multiboot_parse(data, size, &k, &err))
		multiboot_load_kernel(gm, data, size, &k, &err);
	return 0;
}
