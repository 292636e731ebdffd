// SPDX-License-Identifier: MIT
/* Synthesized kernels, temporary files and fake guest memory for tests. */
#include "fixtures.h"

#include <elf.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "layout.h"
#include "util.h"

void fx_put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

void fx_put32(uint8_t *p, size_t off, uint32_t v)
{
	fx_put16(p, off, (uint16_t)v);
	fx_put16(p, off + 2, (uint16_t)(v >> 16));
}

void fx_put64(uint8_t *p, size_t off, uint64_t v)
{
	fx_put32(p, off, (uint32_t)v);
	fx_put32(p, off + 4, (uint32_t)(v >> 32));
}

uint16_t fx_get16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

uint32_t fx_get32(const uint8_t *p, size_t off)
{
	return fx_get16(p, off) | (uint32_t)fx_get16(p, off + 2) << 16;
}

uint64_t fx_get64(const uint8_t *p, size_t off)
{
	return fx_get32(p, off) | (uint64_t)fx_get32(p, off + 4) << 32;
}

uint8_t *fx_bzimage(size_t kbytes, size_t *len)
{
	uint8_t *b;

	*len = FX_BZ_SETUP + kbytes;
	b = calloc(1, *len);
	assert_non_null(b);
	b[0x1f1] = 0;			/* setup_sects 0 means 4 */
	fx_put32(b, 0x1f4, (uint32_t)(kbytes / 16));
	fx_put16(b, 0x1fe, 0xaa55);
	b[0x200] = 0xeb;
	b[0x201] = 0x6a;		/* header ends at 0x26c, as in 2.15 */
	memcpy(b + 0x202, "HdrS", 4);
	fx_put16(b, 0x206, 0x020f);
	b[0x211] = 0x01;		/* LOADED_HIGH */
	fx_put32(b, 0x22c, 0x7fffffff);
	fx_put32(b, 0x230, FX_BZ_ALIGN);
	b[0x234] = 1;
	fx_put16(b, 0x236, 0x7f);	/* XLF_KERNEL_64 and friends */
	fx_put32(b, 0x238, FX_BZ_CMDLINE_SIZE);
	fx_put64(b, 0x258, FX_BZ_PREF);
	fx_put32(b, 0x260, FX_BZ_INIT_SIZE);
	for (size_t i = 0; i < kbytes; i++)
		b[FX_BZ_SETUP + i] = (uint8_t)(i * 7 + 1);
	return b;
}

/* Layout: ehdr, phdrs at 0x40, note at 0x100, shdrs at 0x180, data at 0x400. */
#define FX_PHOFF	0x40
#define FX_NOTE		0x100
#define FX_SHOFF	0x180
#define FX_DATA		0x400

static size_t fx_note(uint8_t *b, const struct fx_elf *o)
{
	/* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	uint32_t hdr[3] = { 4, o->descsz, 18 };

	memcpy(b + FX_NOTE, hdr, sizeof(hdr));
	memcpy(b + FX_NOTE + 12, "Xen", 4);
	memcpy(b + FX_NOTE + 16, &o->entry, o->descsz);
	return 16 + o->descsz;
}

static void fx_elf64(uint8_t *b, const struct fx_elf *o, uint64_t off,
		     size_t notesz)
{
	Elf64_Ehdr e = { .e_type = ET_EXEC, .e_machine = EM_X86_64,
		.e_version = EV_CURRENT, .e_phoff = FX_PHOFF,
		.e_ehsize = sizeof(e), .e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = 2 };
	Elf64_Phdr ph[2] = {
		{ .p_type = PT_LOAD, .p_offset = off, .p_paddr = o->paddr,
		  .p_vaddr = 0xffffffff80000000ULL + o->paddr,
		  .p_filesz = o->filesz, .p_memsz = o->memsz, .p_align = 4096 },
		{ .p_type = PT_NOTE, .p_offset = FX_NOTE, .p_filesz = notesz,
		  .p_align = 4 },
	};
	Elf64_Shdr sh[2] = {
		{ 0 },
		{ .sh_type = SHT_NOTE, .sh_offset = FX_NOTE,
		  .sh_size = notesz, .sh_addralign = 4 },
	};

	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	if (o->note_in_section) {
		ph[1].p_type = PT_NULL;
		e.e_shoff = FX_SHOFF;
		e.e_shnum = 2;
		e.e_shentsize = sizeof(Elf64_Shdr);
		memcpy(b + FX_SHOFF, sh, sizeof(sh));
	}
	if (!o->note)
		ph[1].p_type = PT_NULL;
	memcpy(b, &e, sizeof(e));
	memcpy(b + FX_PHOFF, ph, sizeof(ph));
}

static void fx_elf32(uint8_t *b, const struct fx_elf *o, uint64_t off,
		     size_t notesz)
{
	Elf32_Ehdr e = { .e_type = ET_EXEC, .e_machine = EM_386,
		.e_version = EV_CURRENT, .e_phoff = FX_PHOFF,
		.e_ehsize = sizeof(e), .e_phentsize = sizeof(Elf32_Phdr),
		.e_phnum = 2 };
	Elf32_Phdr ph[2] = {
		{ .p_type = PT_LOAD, .p_offset = (uint32_t)off,
		  .p_paddr = (uint32_t)o->paddr, .p_vaddr = (uint32_t)o->paddr,
		  .p_filesz = (uint32_t)o->filesz,
		  .p_memsz = (uint32_t)o->memsz, .p_align = 4096 },
		{ .p_type = o->note ? PT_NOTE : PT_NULL, .p_offset = FX_NOTE,
		  .p_filesz = (uint32_t)notesz, .p_align = 4 },
	};

	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS32;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(b, &e, sizeof(e));
	memcpy(b + FX_PHOFF, ph, sizeof(ph));
}

uint8_t *fx_elf(const struct fx_elf *o, size_t *len)
{
	uint64_t off = o->offset ? o->offset : FX_DATA;
	size_t notesz = 0;
	uint8_t *b;

	*len = FX_DATA + (size_t)o->filesz;
	b = calloc(1, *len);
	assert_non_null(b);
	if (o->note || o->note_in_section)
		notesz = fx_note(b, o);
	if (o->is64)
		fx_elf64(b, o, off, notesz);
	else
		fx_elf32(b, o, off, notesz);
	for (size_t i = 0; i < o->filesz; i++)
		b[FX_DATA + i] = (uint8_t)(i * 13 + 5);
	return b;
}

char *fx_file(const void *data, size_t len)
{
	char *path = strdup("/tmp/vmm-loader-test-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

char *fx_sparse_file(uint64_t len)
{
	char *path = fx_file("", 0);

	assert_int_equal(truncate(path, (off_t)len), 0);
	return path;
}

void fx_unlink(char *path)
{
	unlink(path);
	free(path);
}

static void *fx_map(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

void fx_mem_init(struct fx_mem *m, uint64_t low, uint64_t high)
{
	memset(m, 0, sizeof(*m));
	guest_mem_init_empty(&m->gm);
	m->low = fx_map(low);
	m->low_size = low;
	assert_int_equal(guest_mem_add(&m->gm, 0, low, m->low), 0);
	if (high) {
		m->high = fx_map(high);
		m->high_size = high;
		assert_int_equal(guest_mem_add(&m->gm, LAYOUT_HIGH_RAM, high,
					       m->high), 0);
	}
	m->gm.ram_size = low + high;
}

void fx_mem_exit(struct fx_mem *m)
{
	munmap(m->low, m->low_size);
	if (m->high)
		munmap(m->high, m->high_size);
}

bool fx_real_kernel(char *path, size_t len)
{
	glob_t g;

	if (glob("/boot/vmlinuz-*", 0, NULL, &g))
		return false;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (access(g.gl_pathv[i], R_OK) == 0) {
			snprintf(path, len, "%s", g.gl_pathv[i]);
			globfree(&g);
			return true;
		}
	}
	globfree(&g);
	return false;
}
