/* SPDX-License-Identifier: MIT */
/* Synthesized kernels, temporary files and fake guest memory for tests. */
#ifndef VMM_TEST_LOADER_FIXTURES_H
#define VMM_TEST_LOADER_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

/* Default synthesized bzImage: setup_sects 0 (i.e. 4), protocol 2.15. */
#define FX_BZ_SETUP		(5 * 512)
#define FX_BZ_PREF		0x1000000ULL
#define FX_BZ_INIT_SIZE		0x400000U
#define FX_BZ_ALIGN		0x200000U
#define FX_BZ_CMDLINE_SIZE	0x7ffU

void fx_put16(uint8_t *p, size_t off, uint16_t v);
void fx_put32(uint8_t *p, size_t off, uint32_t v);
void fx_put64(uint8_t *p, size_t off, uint64_t v);
uint16_t fx_get16(const uint8_t *p, size_t off);
uint32_t fx_get32(const uint8_t *p, size_t off);
uint64_t fx_get64(const uint8_t *p, size_t off);

/* fx_bzimage - malloc'd bzImage with @kbytes (multiple of 16) of kernel. */
uint8_t *fx_bzimage(size_t kbytes, size_t *len);

struct fx_elf {
	bool is64;
	uint64_t paddr, filesz, memsz;
	uint64_t offset;	/* 0: where the fixture puts the data */
	bool note;		/* emit the PVH note */
	bool note_in_section;	/* as SHT_NOTE only, no PT_NOTE */
	uint32_t descsz;	/* 4 or 8 */
	uint64_t entry;		/* note descriptor value */
};

/* fx_elf - malloc'd ELF kernel as described by @o. */
uint8_t *fx_elf(const struct fx_elf *o, size_t *len);

/* fx_file - write @len bytes to a new temp file; returns a malloc'd path. */
char *fx_file(const void *data, size_t len);

/* fx_sparse_file - a temp file of @len bytes that are never written. */
char *fx_sparse_file(uint64_t len);

/* fx_unlink - remove and free a path from fx_file. */
void fx_unlink(char *path);

/*
 * Fake guest memory: anonymous NORESERVE mappings (only touched pages
 * cost anything) at 0 and, if @high, at 4 GiB, with the MMIO hole
 * between them; ram_size is @low + @high as the VM layer would set it.
 */
struct fx_mem {
	struct guest_mem gm;
	void *low, *high;
	uint64_t low_size, high_size;
};

void fx_mem_init(struct fx_mem *m, uint64_t low, uint64_t high);
void fx_mem_exit(struct fx_mem *m);

/* fx_real_kernel - first readable /boot/vmlinuz-* into @path, or false. */
bool fx_real_kernel(char *path, size_t len);

#endif
