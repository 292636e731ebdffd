// SPDX-License-Identifier: MIT
/* libFuzzer: ELF headers, program headers and the PVH note; then the load. */
#include <stdint.h>

#include "fuzz_mem.h"
#include "loader/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct guest_mem *gm = fuzz_mem();
	struct elf_info info;
	struct errbuf err;

	if (gm && !elf_parse(data, size, &info, &err))
		elf_load(gm, data, size, &err);
	return 0;
}
