// SPDX-License-Identifier: MIT
/*
 * Multiboot v1: find and check the header, load an ELF32 kernel by its
 * program headers (or by the header's a.out-kludge addresses), and
 * write the multiboot_info the kernel finds through EBX.
 *
 * Everything read from the image is untrusted: offsets and sizes are
 * widened to 64 bits before any sum, checked against the file, and
 * destinations go through guest_mem_*.
 */
#include "loader/multiboot.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the Multiboot reader assumes a little-endian host");

#define MB_PAGE			4096ULL
#define MB_LIMIT_32		0x100000000ULL	/* a 32-bit kernel ends by 4 GiB */
#define MB_LOADER_NAME		"vmm"

/* Offsets in the Multiboot header. */
#define MB_HDR_MAGIC		0
#define MB_HDR_FLAGS		4
#define MB_HDR_CHECKSUM		8
#define MB_HDR_HEADER_ADDR	12
#define MB_HDR_LOAD_ADDR	16
#define MB_HDR_LOAD_END		20
#define MB_HDR_BSS_END		24
#define MB_HDR_ENTRY		28
#define MB_HDR_AOUT_SIZE	32

/* Where things sit inside the MB_INFO_GPA area. */
#define MB_OFF_LOADER_NAME	0x80
#define MB_OFF_MMAP		0x100

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

int multiboot_find_header(const uint8_t *img, size_t len, bool valid_only)
{
	size_t end = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;

	for (size_t off = 0; off + 12 <= end; off += 4) {
		const uint8_t *h = img + off;

		if (get32(h + MB_HDR_MAGIC) != MULTIBOOT_HEADER_MAGIC)
			continue;
		/* magic + flags + checksum must be 0 (mod 2^32). */
		if (!valid_only ||
		    !(uint32_t)(get32(h) + get32(h + MB_HDR_FLAGS) +
				get32(h + MB_HDR_CHECKSUM)))
			return (int)off;
	}
	return -ENOENT;
}

/* The header's flags: unknown requirements are refused, not guessed at. */
static int mb_check_flags(uint32_t flags, struct errbuf *err)
{
	uint32_t unknown = flags & MB_HF_REQUIRED_MASK & ~MB_HF_KNOWN;

	if (unknown)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot header requires features vmm does not provide (flags 0x%08x, unsupported required bits 0x%04x)",
				  flags, unknown);
	return 0;
}

/* ---- ELF32 by program headers ---- */

static bool mb_range_in_file(uint64_t off, uint64_t size, size_t len)
{
	uint64_t end;

	return !add_overflows(off, size, &end) && end <= len;
}

static int mb_elf_ehdr(const uint8_t *img, size_t len, Elf32_Ehdr *e,
		       struct errbuf *err)
{
	if (len < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG))
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot kernel is not ELF and its header has no a.out-kludge addresses (flag 16)");
	if (img[EI_CLASS] != ELFCLASS32)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot kernel is not ELF32 (class %u) and its header has no a.out-kludge addresses (flag 16)",
				  img[EI_CLASS]);
	if (img[EI_DATA] != ELFDATA2LSB)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot ELF kernel is not little-endian");
	if (len < sizeof(*e))
		return errbuf_set(err, -ENOEXEC,
				  "truncated ELF: %zu bytes, shorter than its header",
				  len);
	memcpy(e, img, sizeof(*e));
	if (e->e_type != ET_EXEC)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot ELF kernel is not an executable (e_type %u)",
				  e->e_type);
	if (e->e_machine != EM_386)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot ELF kernel is not for i386 (e_machine %u)",
				  e->e_machine);
	if (!e->e_phnum || e->e_phnum == PN_XNUM)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: %u program headers", e->e_phnum);
	if (e->e_phentsize < sizeof(Elf32_Phdr))
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: e_phentsize %u, need %zu",
				  e->e_phentsize, sizeof(Elf32_Phdr));
	if (!mb_range_in_file(e->e_phoff,
			      (uint64_t)e->e_phnum * e->e_phentsize, len))
		return errbuf_set(err, -ENOEXEC,
				  "truncated ELF: %u program headers at 0x%x run past the %zu byte file",
				  e->e_phnum, e->e_phoff, len);
	return 0;
}

/* Program header @i; mb_elf_ehdr has bounded the table. */
static void mb_elf_phdr(const uint8_t *img, const Elf32_Ehdr *e,
			unsigned int i, Elf32_Phdr *ph)
{
	memcpy(ph, img + e->e_phoff + (uint64_t)i * e->e_phentsize,
	       sizeof(*ph));
}

/* A PT_LOAD's file part must exist and its memory part fit in 32 bits. */
static int mb_elf_check_load(const Elf32_Phdr *ph, unsigned int i, size_t len,
			     struct errbuf *err)
{
	if (ph->p_filesz > ph->p_memsz)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: segment %u has p_filesz 0x%x > p_memsz 0x%x",
				  i, ph->p_filesz, ph->p_memsz);
	if (!mb_range_in_file(ph->p_offset, ph->p_filesz, len))
		return errbuf_set(err, -ENOEXEC,
				  "truncated ELF: segment %u needs file bytes 0x%x+0x%x, file has %zu",
				  i, ph->p_offset, ph->p_filesz, len);
	if ((uint64_t)ph->p_paddr + ph->p_memsz > MB_LIMIT_32)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: segment %u at 0x%x + 0x%x runs past 4 GiB",
				  i, ph->p_paddr, ph->p_memsz);
	return 0;
}

/*
 * e_entry is a virtual address. As GRUB does, translate it through the
 * PT_LOAD that contains it, so that higher-half kernels linked with
 * p_vaddr != p_paddr start at the physical copy.
 */
static int mb_elf_entry(const uint8_t *img, const Elf32_Ehdr *e,
			uint32_t *entry, struct errbuf *err)
{
	Elf32_Phdr ph;

	for (unsigned int i = 0; i < e->e_phnum; i++) {
		mb_elf_phdr(img, e, i, &ph);
		if (ph.p_type == PT_LOAD && e->e_entry >= ph.p_vaddr &&
		    e->e_entry - ph.p_vaddr < ph.p_memsz) {
			*entry = e->e_entry - ph.p_vaddr + ph.p_paddr;
			return 0;
		}
	}
	return errbuf_set(err, -ENOEXEC,
			  "corrupt ELF: entry 0x%x is outside every PT_LOAD segment",
			  e->e_entry);
}

static int mb_parse_elf(const uint8_t *img, size_t len, struct mb_kernel *k,
			struct errbuf *err)
{
	unsigned int nr_load = 0;
	Elf32_Ehdr e;
	Elf32_Phdr ph;
	int ret;

	ret = mb_elf_ehdr(img, len, &e, err);
	if (ret)
		return ret;
	k->load_start = UINT64_MAX;
	k->load_end = 0;
	for (unsigned int i = 0; i < e.e_phnum; i++) {
		mb_elf_phdr(img, &e, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		ret = mb_elf_check_load(&ph, i, len, err);
		if (ret)
			return ret;
		if (!ph.p_memsz)
			continue;
		nr_load++;
		if (ph.p_paddr < k->load_start)
			k->load_start = ph.p_paddr;
		if ((uint64_t)ph.p_paddr + ph.p_memsz > k->load_end)
			k->load_end = (uint64_t)ph.p_paddr + ph.p_memsz;
	}
	if (!nr_load)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot ELF kernel has no PT_LOAD segments");
	return mb_elf_entry(img, &e, &k->entry, err);
}

/* ---- a.out kludge: the header's own addresses ---- */

static int mb_parse_aout(const uint8_t *img, size_t len, struct mb_kernel *k,
			 struct errbuf *err)
{
	const uint8_t *h = img + k->header_off;
	uint32_t header_addr, load_addr, load_end, bss_end, entry;
	uint64_t delta, end;

	if ((uint64_t)k->header_off + MB_HDR_AOUT_SIZE > len ||
	    k->header_off + MB_HDR_AOUT_SIZE > MULTIBOOT_SEARCH)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot header at 0x%x: its address fields run past %s",
				  k->header_off,
				  (uint64_t)k->header_off + MB_HDR_AOUT_SIZE > len ?
				  "the end of the file" : "the first 8 KiB");
	header_addr = get32(h + MB_HDR_HEADER_ADDR);
	load_addr = get32(h + MB_HDR_LOAD_ADDR);
	load_end = get32(h + MB_HDR_LOAD_END);
	bss_end = get32(h + MB_HDR_BSS_END);
	entry = get32(h + MB_HDR_ENTRY);

	/* The header's file offset and address pin the file to memory. */
	delta = (uint64_t)header_addr - load_addr;
	if (header_addr < load_addr || delta > k->header_off)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot header: load_addr 0x%x does not fit header_addr 0x%x at file offset 0x%x",
				  load_addr, header_addr, k->header_off);
	k->file_off = k->header_off - delta;
	if (!load_end) {
		k->file_len = len - k->file_off;
	} else if (load_end < load_addr) {
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot header: load_end_addr 0x%x is below load_addr 0x%x",
				  load_end, load_addr);
	} else {
		k->file_len = (uint64_t)load_end - load_addr;
		if (!mb_range_in_file(k->file_off, k->file_len, len))
			return errbuf_set(err, -ENOEXEC,
					  "Multiboot header: load_end_addr 0x%x needs file bytes 0x%llx+0x%llx, file has %zu",
					  load_end,
					  (unsigned long long)k->file_off,
					  (unsigned long long)k->file_len, len);
	}
	end = (uint64_t)load_addr + k->file_len;
	if (end > MB_LIMIT_32)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot kernel at 0x%x (%llu bytes) runs past 4 GiB",
				  load_addr, (unsigned long long)k->file_len);
	if (bss_end && bss_end < end)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot header: bss_end_addr 0x%x is below the loaded end 0x%llx",
				  bss_end, (unsigned long long)end);
	k->load_start = load_addr;
	k->load_end = bss_end ? bss_end : end;
	if (entry < k->load_start || entry >= k->load_end)
		return errbuf_set(err, -ENOEXEC,
				  "Multiboot header: entry_addr 0x%x is outside the loaded [0x%llx, 0x%llx)",
				  entry, (unsigned long long)k->load_start,
				  (unsigned long long)k->load_end);
	k->entry = entry;
	k->aout = true;
	return 0;
}

int multiboot_parse(const uint8_t *img, size_t len, struct mb_kernel *k,
		    struct errbuf *err)
{
	int off;

	memset(k, 0, sizeof(*k));
	off = multiboot_find_header(img, len, true);
	if (off < 0) {
		off = multiboot_find_header(img, len, false);
		if (off >= 0)
			return errbuf_set(err, -ENOEXEC,
					  "Multiboot header at 0x%x has a bad checksum",
					  off);
		return errbuf_set(err, -ENOEXEC,
				  "no Multiboot header in the first 8 KiB");
	}
	k->header_off = (uint32_t)off;
	k->flags = get32(img + off + MB_HDR_FLAGS);
	if (mb_check_flags(k->flags, err))
		return -ENOEXEC;
	/* As in GRUB: with flag 16 the addresses win, even for an ELF. */
	if (k->flags & MB_HF_AOUT_KLUDGE)
		return mb_parse_aout(img, len, k, err);
	return mb_parse_elf(img, len, k, err);
}

/* ---- loading ---- */

/* Put [gpa, gpa + memsz) in RAM above 1 MiB: @src covers @filesz of it. */
static int mb_load_range(const struct guest_mem *gm, const char *what,
			 unsigned int i, uint64_t gpa, const uint8_t *src,
			 uint64_t filesz, uint64_t memsz, struct errbuf *err)
{
	if (!memsz)
		return 0;
	/* Below 1 MiB live the GDT, multiboot_info, strings, MP and ACPI. */
	if (gpa < LAYOUT_HIMEM)
		return errbuf_set(err, -EINVAL,
				  "Multiboot %s %u at 0x%llx is below 1 MiB, where vmm's boot structures live",
				  what, i, (unsigned long long)gpa);
	if (!guest_mem_ok(gm, gpa, memsz))
		return errbuf_set(err, -ENOSPC,
				  "Multiboot %s %u [0x%llx, 0x%llx) is not in guest RAM",
				  what, i, (unsigned long long)gpa,
				  (unsigned long long)(gpa + memsz));
	if (guest_mem_write(gm, gpa, src, filesz) ||
	    guest_mem_zero(gm, gpa + filesz, memsz - filesz))
		return errbuf_set(err, -EFAULT,
				  "Multiboot %s %u: guest memory write failed",
				  what, i);
	return 0;
}

int multiboot_load_kernel(const struct guest_mem *gm, const uint8_t *img,
			  size_t len, const struct mb_kernel *k,
			  struct errbuf *err)
{
	Elf32_Ehdr e;
	Elf32_Phdr ph;
	int ret;

	if (k->aout) {
		/* Re-checked: the file part must lie in the file. */
		if (!mb_range_in_file(k->file_off, k->file_len, len) ||
		    k->load_end - k->load_start < k->file_len)
			return errbuf_set(err, -EINVAL,
					  "Multiboot kernel: inconsistent a.out layout");
		return mb_load_range(gm, "image", 0, k->load_start,
				     img + k->file_off, k->file_len,
				     k->load_end - k->load_start, err);
	}
	ret = mb_elf_ehdr(img, len, &e, err);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < e.e_phnum; i++) {
		mb_elf_phdr(img, &e, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		ret = mb_elf_check_load(&ph, i, len, err);
		if (!ret)
			ret = mb_load_range(gm, "segment", i, ph.p_paddr,
					    img + ph.p_offset, ph.p_filesz,
					    ph.p_memsz, err);
		if (ret)
			return ret;
	}
	return 0;
}

int multiboot_module_place(uint64_t floor, uint64_t size, uint64_t top,
			   uint64_t *gpa)
{
	uint64_t start, end;

	if (add_overflows(floor, MB_PAGE - 1, &start))
		return -EOVERFLOW;
	start = ALIGN_DOWN(start, MB_PAGE);
	if (add_overflows(start, size, &end))
		return -EOVERFLOW;
	/* mod_start/mod_end are 32-bit fields. */
	if (end > top || end > MB_LIMIT_32)
		return -ENOSPC;
	*gpa = start;
	return 0;
}

/* ---- multiboot_info ---- */

static bool mb_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* The strings area: a cursor that hands out NUL-terminated strings. */
struct mb_strings {
	const struct guest_mem *gm;
	uint64_t cur, end;
};

/* Append "@a" or "@a @b" (if @b is non-empty); its gpa in *@gpa. */
static int mb_strings_put(struct mb_strings *s, const char *a, const char *b,
			  uint32_t *gpa)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	uint64_t need = (uint64_t)la + (lb ? lb + 1 : 0) + 1;
	const char nul = 0, sp = ' ';

	if (need > s->end - s->cur)
		return -E2BIG;
	*gpa = (uint32_t)s->cur;
	if (guest_mem_write(s->gm, s->cur, a, la) ||
	    (lb && (guest_mem_write(s->gm, s->cur + la, &sp, 1) ||
		    guest_mem_write(s->gm, s->cur + la + 1, b, lb))) ||
	    guest_mem_write(s->gm, s->cur + need - 1, &nul, 1))
		return -EFAULT;
	s->cur += need;
	return 0;
}

/* mem_lower/mem_upper in KiB: RAM from 0 (at most 640K) and from 1 MiB. */
static void mb_fill_meminfo(uint8_t *info, const struct e820_entry *e820,
			    unsigned int nr)
{
	uint64_t lower = 0, upper = 0;

	for (unsigned int i = 0; i < nr; i++) {
		if (e820[i].type != E820_RAM)
			continue;
		if (e820[i].addr == 0)
			lower = e820[i].size < 640 * KiB ? e820[i].size : 640 * KiB;
		else if (e820[i].addr == LAYOUT_HIMEM)
			upper = e820[i].size;
	}
	upper /= KiB;
	put32(info + MB_INFO_MEM_LOWER, (uint32_t)(lower / KiB));
	put32(info + MB_INFO_MEM_UPPER,
	      upper > UINT32_MAX ? UINT32_MAX : (uint32_t)upper);
}

static void mb_fill_mmap(uint8_t *area, const struct e820_entry *e820,
			 unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		uint8_t *p = area + MB_OFF_MMAP + i * MB_MMAP_ENTRY_SIZE;

		/* "size" counts the bytes after itself. */
		put32(p, MB_MMAP_ENTRY_SIZE - 4);
		put64(p + 4, e820[i].addr);
		put64(p + 12, e820[i].size);
		put32(p + 20, e820[i].type);
	}
}

static int mb_fill_strings(const struct guest_mem *gm, uint8_t *area,
			   uint64_t mods_off, const char *kernel_path,
			   const char *cmdline, const struct mb_module *mods,
			   unsigned int nr, struct errbuf *err)
{
	struct mb_strings s = { gm, MB_STRINGS_GPA,
				MB_STRINGS_GPA + MB_STRINGS_MAX };
	uint32_t gpa;

	if (mb_has_control(kernel_path))
		return errbuf_set(err, -EINVAL,
				  "kernel path holds a control character");
	if (mb_strings_put(&s, kernel_path, cmdline, &gpa))
		goto too_big;
	put32(area + MB_INFO_CMDLINE, gpa);
	for (unsigned int i = 0; i < nr; i++) {
		uint8_t *p = area + mods_off + (uint64_t)i * MB_MOD_ENTRY_SIZE;

		if (mb_has_control(mods[i].path) ||
		    (mods[i].args && mb_has_control(mods[i].args)))
			return errbuf_set(err, -EINVAL,
					  "module %s: its path or arguments hold a control character",
					  mods[i].path);
		if (mb_strings_put(&s, mods[i].path, mods[i].args, &gpa))
			goto too_big;
		put32(p, mods[i].start);
		put32(p + 4, mods[i].end);
		put32(p + 8, gpa);
	}
	return 0;
too_big:
	return errbuf_set(err, -E2BIG,
			  "kernel command line and module strings do not fit in the %llu KiB string area",
			  MB_STRINGS_MAX / KiB);
}

int multiboot_write_info(const struct guest_mem *gm, const char *kernel_path,
			 const char *cmdline, const struct e820_entry *e820,
			 unsigned int nr_e820, const struct mb_module *mods,
			 unsigned int nr, struct errbuf *err)
{
	uint8_t area[MB_INFO_AREA];
	uint64_t mmap_len = (uint64_t)nr_e820 * MB_MMAP_ENTRY_SIZE;
	uint64_t mods_off = ALIGN_UP(MB_OFF_MMAP + mmap_len, 16);
	int ret;

	if (mods_off + (uint64_t)nr * MB_MOD_ENTRY_SIZE > sizeof(area))
		return errbuf_set(err, -E2BIG,
				  "%u memory map entries and %u modules do not fit in the %llu byte Multiboot info area",
				  nr_e820, nr, MB_INFO_AREA);
	memset(area, 0, sizeof(area));
	mb_fill_meminfo(area, e820, nr_e820);
	mb_fill_mmap(area, e820, nr_e820);
	memcpy(area + MB_OFF_LOADER_NAME, MB_LOADER_NAME,
	       sizeof(MB_LOADER_NAME));
	ret = mb_fill_strings(gm, area, mods_off, kernel_path,
			      cmdline ? cmdline : "", mods, nr, err);
	if (ret)
		return ret;
	put32(area + MB_INFO_FLAGS, MB_IF_MEMORY | MB_IF_CMDLINE |
	      MB_IF_MODS | MB_IF_MMAP | MB_IF_LOADER_NAME);
	put32(area + MB_INFO_MODS_COUNT, nr);
	put32(area + MB_INFO_MODS_ADDR, (uint32_t)(MB_INFO_GPA + mods_off));
	put32(area + MB_INFO_MMAP_LENGTH, (uint32_t)mmap_len);
	put32(area + MB_INFO_MMAP_ADDR, (uint32_t)(MB_INFO_GPA + MB_OFF_MMAP));
	put32(area + MB_INFO_LOADER_NAME,
	      (uint32_t)(MB_INFO_GPA + MB_OFF_LOADER_NAME));
	if (guest_mem_write(gm, MB_INFO_GPA, area, sizeof(area)))
		return errbuf_set(err, -EFAULT,
				  "Multiboot info at 0x%llx is not in guest memory",
				  MB_INFO_GPA);
	return 0;
}
