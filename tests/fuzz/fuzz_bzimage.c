// SPDX-License-Identifier: MIT
/* libFuzzer: the bzImage setup header, and the zero page built from it. */
#include <stdint.h>
#include <string.h>

#include "fuzz_mem.h"
#include "loader/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct guest_mem *gm = fuzz_mem();
	static struct e820_entry e820[E820_MAX_ENTRIES];
	struct boot_params_common bp;
	struct bzimage_info info;
	struct errbuf err;
	uint64_t end;

	if (!gm || bzimage_parse(data, size, &info, &err))
		return 0;
	bzimage_kernel_end(&info, info.pref_address, &end);
	memset(&bp, 0, sizeof(bp));
	bp.e820 = e820;
	bp.nr_e820 = (unsigned int)e820_build(4 << 20, e820, E820_MAX_ENTRIES);
	bzimage_write_zero_page(gm, data, &info, &bp, &err);
	return 0;
}
