// SPDX-License-Identifier: MIT
/*
 * The public API without KVM: config defaults and versioning, bad
 * configs, and a failed start that reports why and unwinds cleanly,
 * for several VMs in one process. Nothing here may exit the process.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>

#include "vmm.h"

static void test_config_defaults(void **state)
{
	struct vmm_config cfg;

	vmm_config_init(&cfg);
	assert_int_equal(cfg.size, sizeof(cfg));
	assert_int_equal(cfg.mem_size, 512ULL << 20);
	assert_int_equal(cfg.cpus, 1);
	assert_null(cfg.kernel);
	assert_non_null(vmm_version());
}

static void test_create_rejects_bad_config(void **state)
{
	struct vmm_config cfg;
	struct vmm *vm = NULL;

	assert_int_equal(vmm_create(NULL, &vm), -EINVAL);
	vmm_config_init(&cfg);
	cfg.size = 4;		/* not a config this library knows */
	assert_int_equal(vmm_create(&cfg, &vm), -EINVAL);
	cfg.size = sizeof(cfg) + 64;	/* from a newer library */
	assert_int_equal(vmm_create(&cfg, &vm), -EINVAL);
	assert_null(vm);
}

/* Two VMs in one process; neither can start, both say why. */
static void test_failed_start_unwinds(void **state)
{
	char kernel[] = "/tmp/vmm-test-kernel-XXXXXX";
	struct vmm_config cfg;
	struct vmm *a, *b;
	struct vmm_exit ex;
	int fd = mkstemp(kernel);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a kernel", 12), 12);
	close(fd);

	vmm_config_init(&cfg);
	cfg.kernel = "/nonexistent/vmlinuz";
	assert_int_equal(vmm_create(&cfg, &a), 0);
	cfg.kernel = kernel;
	assert_int_equal(vmm_create(&cfg, &b), 0);

	assert_int_equal(vmm_start(a), -ENOENT);
	assert_non_null(strstr(vmm_error(a), "/nonexistent/vmlinuz"));
	assert_int_equal(vmm_start(b), -ENOEXEC);
	assert_non_null(strstr(vmm_error(b), "not a bzImage or ELF kernel"));
	/* A VM that never ran cannot be waited for, and can be stopped. */
	assert_int_equal(vmm_wait(a, &ex), -EINVAL);
	assert_int_equal(vmm_stop(b), 0);
	assert_true(vmm_poll_fd(a) >= 0);
	vmm_destroy(a);
	vmm_destroy(b);
	vmm_destroy(NULL);
	unlink(kernel);
}

static void test_parse_size_exported(void **state)
{
	uint64_t v;

	assert_int_equal(vmm_parse_size("5G", &v), 0);
	assert_int_equal(v, 5ULL << 30);
	assert_int_equal(vmm_parse_size("10X", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_create_rejects_bad_config),
		cmocka_unit_test(test_failed_start_unwinds),
		cmocka_unit_test(test_parse_size_exported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
