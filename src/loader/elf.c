// SPDX-License-Identifier: MIT
/*
 * ELF kernels entered through the PVH boot ABI: an ELF32/ELF64 x86
 * image whose "Xen" note XEN_ELFNOTE_PHYS32_ENTRY gives a 32-bit
 * protected-mode entry point. Segments load at their p_paddr.
 */
#include "loader/loader.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#include "layout.h"

/* Headers are memcpy'd straight into <elf.h> structs. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the ELF reader assumes a little-endian host");

/* What we use of an ELF header, whatever its class. */
struct elf_hdr {
	bool is64;
	uint16_t machine;
	uint64_t phoff, shoff;
	uint16_t phnum, phentsize, shnum, shentsize;
};

/* A program or section header, widened to 64 bits. */
struct elf_range {
	uint32_t type;
	uint64_t offset, filesz;	/* file extent */
	uint64_t paddr, memsz;		/* PT_LOAD only */
	uint64_t align;
};

static bool elf_table_ok(uint64_t off, uint16_t num, uint16_t entsize,
			 size_t len)
{
	uint64_t end;

	return !add_overflows(off, (uint64_t)num * entsize, &end) &&
	       end <= len;
}

static void elf_hdr_from32(const uint8_t *img, struct elf_hdr *h)
{
	Elf32_Ehdr e;

	memcpy(&e, img, sizeof(e));
	h->machine = e.e_machine;
	h->phoff = e.e_phoff;
	h->phnum = e.e_phnum;
	h->phentsize = e.e_phentsize;
	h->shoff = e.e_shoff;
	h->shnum = e.e_shnum;
	h->shentsize = e.e_shentsize;
}

static void elf_hdr_from64(const uint8_t *img, struct elf_hdr *h)
{
	Elf64_Ehdr e;

	memcpy(&e, img, sizeof(e));
	h->machine = e.e_machine;
	h->phoff = e.e_phoff;
	h->phnum = e.e_phnum;
	h->phentsize = e.e_phentsize;
	h->shoff = e.e_shoff;
	h->shnum = e.e_shnum;
	h->shentsize = e.e_shentsize;
}

/* e_ident, type and machine: can we run this at all? */
static int elf_check_ident(const uint8_t *img, size_t len, struct elf_hdr *h,
			   struct errbuf *err)
{
	uint16_t type;

	if (len < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG))
		return errbuf_set(err, -ENOEXEC, "not an ELF file");
	if (img[EI_CLASS] != ELFCLASS32 && img[EI_CLASS] != ELFCLASS64)
		return errbuf_set(err, -ENOEXEC, "corrupt ELF: unknown class %u",
				  img[EI_CLASS]);
	if (img[EI_DATA] != ELFDATA2LSB)
		return errbuf_set(err, -ENOEXEC,
				  "ELF kernel is not little-endian");
	h->is64 = img[EI_CLASS] == ELFCLASS64;
	if (len < (h->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return errbuf_set(err, -ENOEXEC,
				  "truncated ELF: %zu bytes, shorter than its header",
				  len);
	if (h->is64)
		elf_hdr_from64(img, h);
	else
		elf_hdr_from32(img, h);
	memcpy(&type, img + offsetof(Elf32_Ehdr, e_type), sizeof(type));
	if (type != ET_EXEC)
		return errbuf_set(err, -ENOEXEC,
				  "ELF kernel is not an executable (e_type %u)",
				  type);
	if (h->machine != EM_386 && h->machine != EM_X86_64)
		return errbuf_set(err, -ENOEXEC,
				  "ELF kernel is not for x86 (e_machine %u)",
				  h->machine);
	return 0;
}

/* Read and bound the ELF header and its program header table. */
static int elf_read_hdr(const uint8_t *img, size_t len, struct elf_hdr *h,
			struct errbuf *err)
{
	size_t phsize;
	int ret;

	ret = elf_check_ident(img, len, h, err);
	if (ret)
		return ret;
	phsize = h->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (!h->phnum || h->phnum == PN_XNUM)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: %u program headers", h->phnum);
	if (h->phentsize < phsize)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: e_phentsize %u, need %zu",
				  h->phentsize, phsize);
	if (!elf_table_ok(h->phoff, h->phnum, h->phentsize, len))
		return errbuf_set(err, -ENOEXEC,
				  "truncated ELF: %u program headers at 0x%llx run past the %zu byte file",
				  h->phnum, (unsigned long long)h->phoff, len);
	return 0;
}

/* Program header @i; the table is already bounded by elf_read_hdr. */
static void elf_phdr(const uint8_t *img, const struct elf_hdr *h,
		     unsigned int i, struct elf_range *r)
{
	const uint8_t *p = img + h->phoff + (uint64_t)i * h->phentsize;

	if (h->is64) {
		Elf64_Phdr ph;

		memcpy(&ph, p, sizeof(ph));
		*r = (struct elf_range){ ph.p_type, ph.p_offset, ph.p_filesz,
					 ph.p_paddr, ph.p_memsz, ph.p_align };
	} else {
		Elf32_Phdr ph;

		memcpy(&ph, p, sizeof(ph));
		*r = (struct elf_range){ ph.p_type, ph.p_offset, ph.p_filesz,
					 ph.p_paddr, ph.p_memsz, ph.p_align };
	}
}

/* Section header @i; the caller bounds the table first. */
static void elf_shdr(const uint8_t *img, const struct elf_hdr *h,
		     unsigned int i, struct elf_range *r)
{
	const uint8_t *p = img + h->shoff + (uint64_t)i * h->shentsize;

	if (h->is64) {
		Elf64_Shdr sh;

		memcpy(&sh, p, sizeof(sh));
		*r = (struct elf_range){ .type = sh.sh_type,
			.offset = sh.sh_offset, .filesz = sh.sh_size,
			.align = sh.sh_addralign };
	} else {
		Elf32_Shdr sh;

		memcpy(&sh, p, sizeof(sh));
		*r = (struct elf_range){ .type = sh.sh_type,
			.offset = sh.sh_offset, .filesz = sh.sh_size,
			.align = sh.sh_addralign };
	}
}

static bool elf_range_in_file(const struct elf_range *r, size_t len)
{
	uint64_t end;

	return !add_overflows(r->offset, r->filesz, &end) && end <= len;
}

/* A PT_LOAD's file part must exist and its memory part must not wrap. */
static int elf_check_load(const struct elf_range *r, unsigned int i,
			  size_t len, struct errbuf *err)
{
	uint64_t end;

	if (r->filesz > r->memsz)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: segment %u has p_filesz 0x%llx > p_memsz 0x%llx",
				  i, (unsigned long long)r->filesz,
				  (unsigned long long)r->memsz);
	if (!elf_range_in_file(r, len))
		return errbuf_set(err, -ENOEXEC,
				  "truncated ELF: segment %u needs file bytes 0x%llx+0x%llx, file has %zu",
				  i, (unsigned long long)r->offset,
				  (unsigned long long)r->filesz, len);
	if (add_overflows(r->paddr, r->memsz, &end))
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: segment %u at 0x%llx wraps around",
				  i, (unsigned long long)r->paddr);
	return 0;
}

/* The PVH entry from a note descriptor: 4 bytes, or 8 of which the low 4. */
static int elf_note_entry(const uint8_t *desc, uint32_t descsz,
			  uint32_t *entry, struct errbuf *err)
{
	if (descsz != 4 && descsz != 8)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: PVH entry note has a %u byte descriptor",
				  descsz);
	memcpy(entry, desc, sizeof(*entry));
	return 0;
}

/*
 * Walk the notes in @n bytes at @p. Sets *found and *entry on the
 * first "Xen" XEN_ELFNOTE_PHYS32_ENTRY note.
 */
static int elf_scan_notes(const uint8_t *p, uint64_t n, uint64_t align,
			  bool *found, uint32_t *entry, struct errbuf *err)
{
	uint64_t pos = 0;

	/* gABI says 8 for ELF64, but nearly everyone, Linux included, uses 4. */
	align = align == 8 ? 8 : 4;
	while (n - pos >= 12) {
		uint32_t namesz, descsz, type;
		uint64_t name_off = pos + 12, desc_off, next;

		memcpy(&namesz, p + pos, 4);
		memcpy(&descsz, p + pos + 4, 4);
		memcpy(&type, p + pos + 8, 4);
		desc_off = name_off + ALIGN_UP((uint64_t)namesz, align);
		next = desc_off + ALIGN_UP((uint64_t)descsz, align);
		if (desc_off > n || descsz > n - desc_off)
			return errbuf_set(err, -ENOEXEC,
					  "corrupt ELF: note at +0x%llx runs past its note area",
					  (unsigned long long)pos);
		if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 &&
		    !memcmp(p + name_off, "Xen", 4)) {
			*found = true;
			return elf_note_entry(p + desc_off, descsz, entry, err);
		}
		if (next >= n)
			break;
		pos = next;
	}
	return 0;
}

static int elf_find_note_phdrs(const uint8_t *img, size_t len,
			       const struct elf_hdr *h, bool *found,
			       uint32_t *entry, struct errbuf *err)
{
	struct elf_range r;
	int ret;

	for (unsigned int i = 0; i < h->phnum && !*found; i++) {
		elf_phdr(img, h, i, &r);
		if (r.type != PT_NOTE)
			continue;
		if (!elf_range_in_file(&r, len))
			return errbuf_set(err, -ENOEXEC,
					  "truncated ELF: note segment %u runs past the %zu byte file",
					  i, len);
		ret = elf_scan_notes(img + r.offset, r.filesz, r.align, found,
				     entry, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* Fallback for images whose notes are in sections but no PT_NOTE. */
static int elf_find_note_shdrs(const uint8_t *img, size_t len,
			       const struct elf_hdr *h, bool *found,
			       uint32_t *entry, struct errbuf *err)
{
	size_t shsize = h->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	struct elf_range r;
	int ret;

	if (!h->shoff || !h->shnum)
		return 0;
	if (h->shentsize < shsize ||
	    !elf_table_ok(h->shoff, h->shnum, h->shentsize, len))
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: %u section headers at 0x%llx do not fit in the %zu byte file",
				  h->shnum, (unsigned long long)h->shoff, len);
	for (unsigned int i = 0; i < h->shnum && !*found; i++) {
		elf_shdr(img, h, i, &r);
		if (r.type != SHT_NOTE)
			continue;
		if (!elf_range_in_file(&r, len))
			return errbuf_set(err, -ENOEXEC,
					  "truncated ELF: note section %u runs past the %zu byte file",
					  i, len);
		ret = elf_scan_notes(img + r.offset, r.filesz, r.align, found,
				     entry, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* Check every PT_LOAD and record the span they cover. */
static int elf_scan_loads(const uint8_t *img, size_t len,
			  const struct elf_hdr *h, struct elf_info *info,
			  struct errbuf *err)
{
	struct elf_range r;
	int ret;

	info->load_start = UINT64_MAX;
	info->load_end = 0;
	for (unsigned int i = 0; i < h->phnum; i++) {
		elf_phdr(img, h, i, &r);
		if (r.type != PT_LOAD)
			continue;
		ret = elf_check_load(&r, i, len, err);
		if (ret)
			return ret;
		info->nr_load++;
		if (r.paddr < info->load_start)
			info->load_start = r.paddr;
		if (r.paddr + r.memsz > info->load_end)
			info->load_end = r.paddr + r.memsz;
	}
	if (!info->nr_load)
		return errbuf_set(err, -ENOEXEC,
				  "ELF kernel has no PT_LOAD segments");
	return 0;
}

/* The entry must land in something we load, or the vCPU runs garbage. */
static bool elf_entry_loaded(const uint8_t *img, const struct elf_hdr *h,
			     uint64_t entry)
{
	struct elf_range r;

	for (unsigned int i = 0; i < h->phnum; i++) {
		elf_phdr(img, h, i, &r);
		if (r.type == PT_LOAD && entry >= r.paddr &&
		    entry - r.paddr < r.memsz)
			return true;
	}
	return false;
}

int elf_parse(const uint8_t *img, size_t len, struct elf_info *info,
	      struct errbuf *err)
{
	struct elf_hdr h;
	bool found = false;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = elf_read_hdr(img, len, &h, err);
	if (ret)
		return ret;
	info->is64 = h.is64;
	info->machine = h.machine;
	ret = elf_scan_loads(img, len, &h, info, err);
	if (!ret)
		ret = elf_find_note_phdrs(img, len, &h, &found,
					  &info->pvh_entry, err);
	if (!ret && !found)
		ret = elf_find_note_shdrs(img, len, &h, &found,
					  &info->pvh_entry, err);
	if (ret)
		return ret;
	if (!found)
		return errbuf_set(err, -ENOEXEC,
				  "ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); build with CONFIG_PVH");
	if (!elf_entry_loaded(img, &h, info->pvh_entry))
		return errbuf_set(err, -ENOEXEC,
				  "corrupt ELF: PVH entry 0x%x is outside every PT_LOAD segment",
				  info->pvh_entry);
	return 0;
}

/* Copy one segment, after checking where it goes. */
static int elf_load_segment(const struct guest_mem *gm, const uint8_t *img,
			    const struct elf_range *r, unsigned int i,
			    struct errbuf *err)
{
	if (!r->memsz)
		return 0;
	/* Below 1 MiB live the GDT, page tables, zero page and ACPI. */
	if (r->paddr < LAYOUT_HIMEM)
		return errbuf_set(err, -EINVAL,
				  "ELF segment %u at 0x%llx is below 1 MiB, where the boot structures live",
				  i, (unsigned long long)r->paddr);
	if (!guest_mem_ok(gm, r->paddr, r->memsz))
		return errbuf_set(err, -ENOSPC,
				  "ELF segment %u [0x%llx, 0x%llx) is not in guest RAM",
				  i, (unsigned long long)r->paddr,
				  (unsigned long long)(r->paddr + r->memsz));
	if (guest_mem_write(gm, r->paddr, img + r->offset, r->filesz) ||
	    guest_mem_zero(gm, r->paddr + r->filesz, r->memsz - r->filesz))
		return errbuf_set(err, -EFAULT,
				  "ELF segment %u: guest memory write failed", i);
	return 0;
}

int elf_load(const struct guest_mem *gm, const uint8_t *img, size_t len,
	     struct errbuf *err)
{
	struct elf_hdr h;
	struct elf_range r;
	int ret;

	ret = elf_read_hdr(img, len, &h, err);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < h.phnum; i++) {
		elf_phdr(img, &h, i, &r);
		if (r.type != PT_LOAD)
			continue;
		/* Re-checked: elf_load must be safe on its own. */
		ret = elf_check_load(&r, i, len, err);
		if (!ret)
			ret = elf_load_segment(gm, img, &r, i, err);
		if (ret)
			return ret;
	}
	return 0;
}
