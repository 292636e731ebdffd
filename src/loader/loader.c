// SPDX-License-Identifier: MIT
/*
 * loader_load: open the kernel, tell bzImage from ELF, and lay out
 * kernel, initrd, command line and boot information in guest memory.
 */
#include "loader/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "loader/multiboot.h"

#define PAGE_SIZE	4096ULL

/*
 * A read-only view of a whole file. A kernel is megabytes we only read
 * once, so mapping it avoids copying it all into a heap buffer first.
 * (If someone truncates the file while we load, we take SIGBUS: the
 * file is the user's own, not the guest's, so that is acceptable.)
 */
struct mapped_file {
	const uint8_t *data;
	size_t len;
};

/* Open @path and check it is a regular file; "what" names it in errors. */
static int file_open(const char *what, const char *path, struct stat *st,
		     struct errbuf *err)
{
	int fd, ret, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		return errbuf_set(err, -e, "%s %s: %s", what, path,
				  strerror(e));
	}
	if (fstat(fd, st) < 0) {
		e = errno;
		ret = errbuf_set(err, -e, "%s %s: %s", what, path,
				 strerror(e));
	} else if (S_ISDIR(st->st_mode)) {
		ret = errbuf_set(err, -EISDIR, "%s %s: is a directory", what,
				 path);
	} else if (!S_ISREG(st->st_mode)) {
		ret = errbuf_set(err, -EINVAL, "%s %s: not a regular file",
				 what, path);
	} else {
		return fd;
	}
	close(fd);
	return ret;
}

static int mapped_file_open(struct mapped_file *mf, const char *what,
			    const char *path, uint64_t max, struct errbuf *err)
{
	struct stat st;
	void *p;
	int fd;

	mf->data = NULL;
	mf->len = 0;
	fd = file_open(what, path, &st, err);
	if (fd < 0)
		return fd;
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return errbuf_set(err, -EFBIG,
				  "%s %s: %llu bytes, more than the %llu MiB limit",
				  what, path, (unsigned long long)st.st_size,
				  (unsigned long long)(max / MiB));
	}
	/* mmap refuses length 0; an empty file simply has no data. */
	if (st.st_size) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			 fd, 0);
		if (p == MAP_FAILED) {
			int ret = -errno;

			close(fd);
			return errbuf_set(err, ret, "%s %s: mmap: %s", what,
					  path, strerror(-ret));
		}
		mf->data = p;
		mf->len = (size_t)st.st_size;
	}
	close(fd);
	return 0;
}

static void mapped_file_close(struct mapped_file *mf)
{
	if (mf->len)
		munmap((void *)mf->data, mf->len);
	mf->data = NULL;
	mf->len = 0;
}

/* Turn a lower layer's message into "kernel PATH: message". */
static int loader_prefix(struct errbuf *err, int ret, const char *path)
{
	char msg[sizeof(err->msg)];

	if (!err)
		return ret;
	memcpy(msg, err->msg, sizeof(msg));
	return errbuf_set(err, ret, "kernel %s: %s", path, msg);
}

/* Where the initrd must end: below the kernel's limit and in low RAM. */
static uint64_t initrd_top(uint64_t addr_max, uint64_t low_end)
{
	uint64_t top;

	if (add_overflows(addr_max, 1, &top) || top > low_end)
		top = low_end;
	return ALIGN_DOWN(top, PAGE_SIZE);
}

int initrd_place(uint64_t size, uint64_t kernel_end, uint64_t addr_max,
		 uint64_t low_end, uint64_t *gpa)
{
	uint64_t top = initrd_top(addr_max, low_end), start;

	if (!size || size > top)
		return -ENOSPC;
	/* As high as possible, so the kernel's early allocations stay clear. */
	start = ALIGN_DOWN(top - size, PAGE_SIZE);
	if (start < kernel_end)
		return -ENOSPC;
	*gpa = start;
	return 0;
}

/*
 * read() a whole initrd or module straight into guest memory: no bounce
 * buffer. "what" names the file in errors.
 */
static int file_read_guest(int fd, uint8_t *dst, uint64_t size,
			   const char *what, const char *path,
			   struct errbuf *err)
{
	uint64_t done = 0;

	while (done < size) {
		ssize_t n = pread(fd, dst + done, size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			return errbuf_set(err, -e, "%s %s: %s", what, path,
					  strerror(e));
		}
		if (n == 0)
			return errbuf_set(err, -EIO,
					  "%s %s: file shrank while loading it",
					  what, path);
		done += (uint64_t)n;
	}
	return 0;
}

static int initrd_load(const struct guest_mem *gm, const char *path,
		       uint64_t kernel_end, uint64_t addr_max,
		       struct boot_params_common *bp, struct errbuf *err)
{
	uint64_t low_end = guest_mem_low_end(gm), top, size, gpa;
	struct stat st;
	uint8_t *dst;
	int fd, ret;

	fd = file_open("initrd", path, &st, err);
	if (fd < 0)
		return fd;
	size = (uint64_t)st.st_size;
	top = initrd_top(addr_max, low_end);
	if (!size) {
		ret = errbuf_set(err, -EINVAL, "initrd %s is empty", path);
	} else if (initrd_place(size, kernel_end, addr_max, low_end, &gpa)) {
		ret = errbuf_set(err, -ENOSPC,
				 "initrd %s: %llu bytes (%llu MiB) do not fit in guest memory: %llu MiB free between the kernel end 0x%llx and 0x%llx",
				 path, (unsigned long long)size,
				 (unsigned long long)((size + MiB - 1) / MiB),
				 (unsigned long long)(top > kernel_end ?
						      (top - kernel_end) / MiB : 0),
				 (unsigned long long)kernel_end,
				 (unsigned long long)top);
	} else if (!(dst = guest_mem_ptr(gm, gpa, size))) {
		ret = errbuf_set(err, -EFAULT,
				 "initrd %s: [0x%llx, 0x%llx) is not in guest memory",
				 path, (unsigned long long)gpa,
				 (unsigned long long)(gpa + size));
	} else {
		ret = file_read_guest(fd, dst, size, "initrd", path, err);
		bp->initrd_gpa = gpa;
		bp->initrd_size = size;
	}
	close(fd);
	return ret;
}

/*
 * The e820 map for @ram_size. Every RAM range we announce must be
 * backed, or the guest would use memory that does not exist.
 */
static int loader_e820(const struct guest_mem *gm, uint64_t ram_size,
		       struct e820_entry *tab, unsigned int *nr,
		       struct errbuf *err)
{
	int n = e820_build(ram_size, tab, E820_MAX_ENTRIES);

	if (n < 0)
		return errbuf_set(err, n,
				  "guest memory of %llu bytes is below the %llu MiB minimum",
				  (unsigned long long)ram_size,
				  LOADER_MIN_RAM / MiB);
	for (int i = 0; i < n; i++) {
		if (tab[i].type == E820_RAM &&
		    !guest_mem_ok(gm, tab[i].addr, tab[i].size))
			return errbuf_set(err, -EFAULT,
					  "e820 RAM [0x%llx, 0x%llx) is not backed by guest memory",
					  (unsigned long long)tab[i].addr,
					  (unsigned long long)(tab[i].addr + tab[i].size));
	}
	*nr = (unsigned int)n;
	return 0;
}

static int cmdline_check(const char *cmdline, uint64_t max, struct errbuf *err)
{
	size_t len = strlen(cmdline);

	if (len > max)
		return errbuf_set(err, -E2BIG,
				  "kernel command line is %zu bytes, the kernel accepts at most %llu",
				  len, (unsigned long long)max);
	return 0;
}

static int cmdline_write(const struct guest_mem *gm, const char *cmdline,
			 struct errbuf *err)
{
	if (guest_mem_write(gm, LAYOUT_CMDLINE, cmdline, strlen(cmdline) + 1))
		return errbuf_set(err, -EFAULT,
				  "command line at 0x%llx is not in guest memory",
				  LAYOUT_CMDLINE);
	return 0;
}

/* The part both boot protocols share once the kernel itself is placed. */
static int loader_finish(const struct guest_mem *gm,
			 const struct loader_config *cfg, const char *cmdline,
			 uint64_t kernel_end, uint64_t initrd_max,
			 struct boot_params_common *bp, struct errbuf *err)
{
	int ret = 0;

	bp->cmdline_gpa = LAYOUT_CMDLINE;
	bp->rsdp_gpa = cfg->rsdp_gpa;
	if (cfg->initrd_path)
		ret = initrd_load(gm, cfg->initrd_path, kernel_end,
				  initrd_max ? initrd_max : LOADER_INITRD_ADDR_MAX,
				  bp, err);
	if (!ret)
		ret = cmdline_write(gm, cmdline, err);
	return ret;
}

static int loader_fit_check(const struct guest_mem *gm, uint64_t kend,
			    const char *path, struct errbuf *err)
{
	uint64_t low_end = guest_mem_low_end(gm);

	if (kend > low_end)
		return errbuf_set(err, -ENOSPC,
				  "kernel %s needs %llu MiB but guest has %llu MiB below 3 GiB",
				  path, (unsigned long long)((kend + MiB - 1) / MiB),
				  (unsigned long long)(low_end / MiB));
	return 0;
}

static int loader_linux(const struct guest_mem *gm,
			const struct loader_config *cfg, const char *cmdline,
			const struct mapped_file *k, struct boot_entry *out,
			struct errbuf *err)
{
	struct e820_entry e820[E820_MAX_ENTRIES];
	struct boot_params_common bp = { .e820 = e820 };
	struct bzimage_info info;
	uint64_t kend, max_cmdline;
	int ret;

	ret = bzimage_parse(k->data, k->len, &info, err);
	if (ret)
		return loader_prefix(err, ret, cfg->kernel_path);
	max_cmdline = info.cmdline_size < LAYOUT_CMDLINE_MAX - 1 ?
		      info.cmdline_size : LAYOUT_CMDLINE_MAX - 1;
	ret = cmdline_check(cmdline, max_cmdline, err);
	if (ret)
		return ret;
	if (bzimage_kernel_end(&info, LAYOUT_HIMEM, &kend))
		return errbuf_set(err, -ENOEXEC,
				  "kernel %s: corrupt bzImage: pref_address 0x%llx + init_size 0x%x overflows",
				  cfg->kernel_path,
				  (unsigned long long)info.pref_address,
				  info.init_size);
	ret = loader_fit_check(gm, kend, cfg->kernel_path, err);
	if (!ret)
		ret = loader_e820(gm, gm->ram_size, e820, &bp.nr_e820, err);
	if (ret)
		return ret;
	if (guest_mem_write(gm, LAYOUT_HIMEM, k->data + info.kernel_offset,
			    info.kernel_size))
		return errbuf_set(err, -EFAULT,
				  "kernel %s: cannot copy %zu bytes to 0x%llx",
				  cfg->kernel_path, info.kernel_size,
				  LAYOUT_HIMEM);
	ret = loader_finish(gm, cfg, cmdline, kend, info.initrd_addr_max,
			    &bp, err);
	if (!ret)
		ret = bzimage_write_zero_page(gm, k->data, &info, &bp, err);
	if (ret)
		return ret;
	*out = (struct boot_entry){
		.mode = BOOT_MODE_LINUX64,
		.entry = LAYOUT_HIMEM + BZIMAGE_ENTRY64_OFFSET,
		.boot_info = LAYOUT_ZERO_PAGE,
	};
	return 0;
}

static int loader_pvh(const struct guest_mem *gm,
		      const struct loader_config *cfg, const char *cmdline,
		      const struct mapped_file *k, struct boot_entry *out,
		      struct errbuf *err)
{
	struct e820_entry e820[E820_MAX_ENTRIES];
	struct boot_params_common bp = { .e820 = e820 };
	struct elf_info info;
	int ret;

	ret = elf_parse(k->data, k->len, &info, err);
	if (ret)
		return loader_prefix(err, ret, cfg->kernel_path);
	ret = cmdline_check(cmdline, LAYOUT_CMDLINE_MAX - 1, err);
	if (!ret)
		ret = loader_e820(gm, gm->ram_size, e820, &bp.nr_e820, err);
	if (ret)
		return ret;
	ret = elf_load(gm, k->data, k->len, err);
	if (ret)
		return loader_prefix(err, ret, cfg->kernel_path);
	/* No header to ask: the initrd takes the bzImage default limit. */
	ret = loader_finish(gm, cfg, cmdline, info.load_end, 0, &bp, err);
	if (!ret)
		ret = pvh_write_start_info(gm, &bp, err);
	if (ret)
		return ret;
	*out = (struct boot_entry){
		.mode = BOOT_MODE_PVH,
		.entry = info.pvh_entry,
		.boot_info = LAYOUT_PVH_INFO,
	};
	return 0;
}

/* Load one module page-aligned at or above @floor, below @top. */
static int module_load(const struct guest_mem *gm, const struct vmm_module *m,
		       uint64_t floor, uint64_t top, struct mb_module *out,
		       struct errbuf *err)
{
	struct stat st;
	uint64_t size, gpa;
	uint8_t *dst;
	int fd, ret = 0;

	fd = file_open("module", m->path, &st, err);
	if (fd < 0)
		return fd;
	size = (uint64_t)st.st_size;
	if (multiboot_module_place(floor, size, top, &gpa))
		ret = errbuf_set(err, -ENOSPC,
				 "module %s: %llu bytes do not fit in guest memory above 0x%llx (RAM below 3 GiB ends at 0x%llx)",
				 m->path, (unsigned long long)size,
				 (unsigned long long)floor,
				 (unsigned long long)top);
	else if (!(dst = guest_mem_ptr(gm, gpa, size)))
		ret = errbuf_set(err, -EFAULT,
				 "module %s: [0x%llx, 0x%llx) is not in guest memory",
				 m->path, (unsigned long long)gpa,
				 (unsigned long long)(gpa + size));
	else if (size)
		ret = file_read_guest(fd, dst, size, "module", m->path, err);
	close(fd);
	if (ret)
		return ret;
	*out = (struct mb_module){
		.start = (uint32_t)gpa, .end = (uint32_t)(gpa + size),
		.path = m->path, .args = m->args,
	};
	return 0;
}

/* Every module, in order, each above the one before and the kernel. */
static int multiboot_modules(const struct guest_mem *gm,
			     const struct loader_config *cfg,
			     uint64_t kernel_end, struct mb_module *mods,
			     struct errbuf *err)
{
	uint64_t floor = kernel_end, top = guest_mem_low_end(gm);
	int ret;

	for (unsigned int i = 0; i < cfg->nr_modules; i++) {
		if (!cfg->modules[i].path || !*cfg->modules[i].path)
			return errbuf_set(err, -EINVAL, "module %u has no file",
					  i + 1);
		ret = module_load(gm, &cfg->modules[i], floor, top, &mods[i],
				  err);
		if (ret)
			return ret;
		floor = mods[i].end;
	}
	return 0;
}

/*
 * The Multiboot command line is "KERNELPATH ARGS", as QEMU and GRUB
 * pass it: kernels take the first word as their own name.
 */
static int loader_multiboot(const struct guest_mem *gm,
			    const struct loader_config *cfg,
			    const char *cmdline, const struct mapped_file *k,
			    struct boot_entry *out, struct errbuf *err)
{
	struct e820_entry e820[E820_MAX_ENTRIES];
	unsigned int nr_e820;
	struct mb_module *mods = NULL;
	struct mb_kernel mk;
	int ret;

	ret = multiboot_parse(k->data, k->len, &mk, err);
	if (ret)
		return loader_prefix(err, ret, cfg->kernel_path);
	if (cfg->initrd_path)
		return errbuf_set(err, -EINVAL,
				  "kernel %s is a Multiboot kernel, which takes no --initrd: pass %s as --module",
				  cfg->kernel_path, cfg->initrd_path);
	ret = loader_e820(gm, cfg->ram_size ? cfg->ram_size : gm->ram_size,
			  e820, &nr_e820, err);
	if (!ret)
		ret = multiboot_load_kernel(gm, k->data, k->len, &mk, err);
	if (ret)
		return loader_prefix(err, ret, cfg->kernel_path);
	if (cfg->nr_modules) {
		mods = calloc(cfg->nr_modules, sizeof(*mods));
		if (!mods)
			return errbuf_set(err, -ENOMEM,
					  "out of memory for %u modules",
					  cfg->nr_modules);
	}
	ret = multiboot_modules(gm, cfg, mk.load_end, mods, err);
	if (!ret)
		ret = multiboot_write_info(gm, cfg->kernel_path, cmdline, e820,
					   nr_e820, mods, cfg->nr_modules, err);
	free(mods);
	if (ret)
		return ret;
	*out = (struct boot_entry){
		.mode = BOOT_MODE_MULTIBOOT,
		.entry = mk.entry,
		.boot_info = MB_INFO_GPA,
	};
	return 0;
}

static bool loader_is_elf(const struct mapped_file *k)
{
	return k->len >= 4 && !memcmp(k->data, "\177ELF", 4);
}

/* The boot sector's 0xAA55: a bzImage, or a broken one to report. */
static bool loader_is_bzimage(const struct mapped_file *k)
{
	return k->len >= 0x200 && k->data[0x1fe] == 0x55 &&
	       k->data[0x1ff] == 0xaa;
}

/* 0xAA55 and "HdrS": surely a bzImage, whatever else the file holds. */
static bool loader_is_bzimage_hdrs(const struct mapped_file *k)
{
	return loader_is_bzimage(k) && k->len >= 0x206 &&
	       !memcmp(k->data + 0x202, "HdrS", 4);
}

/* Any magic will do: a bad checksum is then reported as such. */
static bool loader_is_multiboot(const struct mapped_file *k)
{
	return multiboot_find_header(k->data, k->len, false) >= 0;
}

enum kernel_kind { KERNEL_BZIMAGE, KERNEL_PVH, KERNEL_MULTIBOOT, KERNEL_ELF_BAD,
		   KERNEL_UNKNOWN };

/*
 * Detection order: a bzImage (boot flag and "HdrS"), an ELF with a PVH
 * note, a Multiboot header in the first 8 KiB; then whatever the file
 * looks most like, so that its parser names what is wrong with it.
 * An ELF that fails elf_parse is only a PVH kernel gone wrong if it has
 * no Multiboot header: @err then holds elf_parse's reason.
 */
static enum kernel_kind loader_detect(const struct mapped_file *k,
				      struct errbuf *err)
{
	struct elf_info elf;

	if (loader_is_bzimage_hdrs(k))
		return KERNEL_BZIMAGE;
	if (loader_is_elf(k)) {
		if (!elf_parse(k->data, k->len, &elf, err))
			return KERNEL_PVH;
		return loader_is_multiboot(k) ? KERNEL_MULTIBOOT :
						KERNEL_ELF_BAD;
	}
	if (loader_is_multiboot(k))
		return KERNEL_MULTIBOOT;
	if (loader_is_bzimage(k))
		return KERNEL_BZIMAGE;
	return KERNEL_UNKNOWN;
}

static int loader_unknown(const char *path, struct errbuf *err)
{
	return errbuf_set(err, -ENOEXEC,
			  "kernel %s: not a bzImage or ELF kernel, and no Multiboot header in its first 8 KiB",
			  path);
}

int loader_load(const struct guest_mem *gm, const struct loader_config *cfg,
		struct boot_entry *out, struct errbuf *err)
{
	const char *cmdline = cfg->cmdline ? cfg->cmdline : "";
	enum kernel_kind kind;
	struct mapped_file k;
	int ret;

	errbuf_clear(err);
	if (!cfg->kernel_path || !*cfg->kernel_path)
		return errbuf_set(err, -EINVAL, "no kernel given");
	ret = mapped_file_open(&k, "kernel", cfg->kernel_path,
			       LOADER_KERNEL_MAX, err);
	if (ret)
		return ret;
	kind = loader_detect(&k, err);
	if (cfg->nr_modules && (kind == KERNEL_BZIMAGE || kind == KERNEL_PVH))
		ret = errbuf_set(err, -EINVAL,
				 "--module needs a Multiboot kernel: kernel %s is %s",
				 cfg->kernel_path, kind == KERNEL_BZIMAGE ?
				 "a bzImage" : "a PVH ELF");
	else if (kind == KERNEL_BZIMAGE)
		ret = loader_linux(gm, cfg, cmdline, &k, out, err);
	else if (kind == KERNEL_PVH)
		ret = loader_pvh(gm, cfg, cmdline, &k, out, err);
	else if (kind == KERNEL_MULTIBOOT)
		ret = loader_multiboot(gm, cfg, cmdline, &k, out, err);
	else if (kind == KERNEL_ELF_BAD)
		ret = loader_prefix(err, -ENOEXEC, cfg->kernel_path);
	else
		ret = loader_unknown(cfg->kernel_path, err);
	mapped_file_close(&k);
	return ret;
}

int loader_check(const char *kernel_path, struct errbuf *err)
{
	struct mapped_file k;
	struct bzimage_info bz;
	struct mb_kernel mb;
	int ret;

	ret = mapped_file_open(&k, "kernel", kernel_path, LOADER_KERNEL_MAX,
			       err);
	if (ret)
		return ret;
	switch (loader_detect(&k, err)) {
	case KERNEL_BZIMAGE:
		ret = bzimage_parse(k.data, k.len, &bz, err);
		break;
	case KERNEL_PVH:
		ret = 0;
		break;
	case KERNEL_MULTIBOOT:
		ret = multiboot_parse(k.data, k.len, &mb, err);
		break;
	case KERNEL_ELF_BAD:
		ret = -ENOEXEC;
		break;
	default:
		mapped_file_close(&k);
		return loader_unknown(kernel_path, err);
	}
	if (ret)
		ret = loader_prefix(err, ret, kernel_path);
	mapped_file_close(&k);
	return ret;
}
