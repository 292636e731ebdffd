// SPDX-License-Identifier: MIT
/*
 * The public libvmm API: thin, checked wrappers around struct vm.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"
#include "vm.h"
#include "vmm.h"

struct vmm {
	struct vm vm;
};

VMM_API const char *vmm_version(void)
{
	return VMM_VERSION;
}

VMM_API void vmm_config_init(struct vmm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	cfg->mem_size = VM_DEFAULT_MEM;
	cfg->cpus = 1;
	cfg->log_level = VMM_LOG_INFO;
}

VMM_API int vmm_create(const struct vmm_config *cfg, struct vmm **out)
{
	struct vmm_config full;
	struct vmm *v;
	int err;

	if (!cfg || !out || cfg->size < offsetof(struct vmm_config, kernel) +
	    sizeof(cfg->kernel) || cfg->size > sizeof(full))
		return -EINVAL;
	/* A caller built against an older, shorter config gets defaults. */
	vmm_config_init(&full);
	memcpy(&full, cfg, cfg->size);
	full.size = sizeof(full);
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = vm_init(&v->vm, &full);
	if (err) {
		vm_teardown(&v->vm);
		free(v);
		return err;
	}
	*out = v;
	return 0;
}

VMM_API int vmm_start(struct vmm *v)
{
	if (!v)
		return -EINVAL;
	return vm_setup(&v->vm);
}

VMM_API int vmm_pause(struct vmm *v)
{
	return v ? vm_pause(&v->vm) : -EINVAL;
}

VMM_API int vmm_resume(struct vmm *v)
{
	return v ? vm_resume(&v->vm) : -EINVAL;
}

VMM_API int vmm_shutdown(struct vmm *v)
{
	return v ? vm_shutdown(&v->vm) : -EINVAL;
}

VMM_API int vmm_metrics(struct vmm *v, char *buf, size_t len)
{
	if (!v || !buf || v->vm.stage != VM_STAGE_RUNNING)
		return -EINVAL;
	return vm_metrics_json(&v->vm, buf, len);
}

VMM_API int vmm_sandbox_thread(struct vmm *v)
{
	/* The filters exist from vmm_start() on. */
	if (!v || v->vm.stage != VM_STAGE_RUNNING)
		return -EINVAL;
	return sandbox_enter(&v->vm.sandbox, SANDBOX_CONTROL);
}

VMM_API int vmm_wait(struct vmm *v, struct vmm_exit *ex)
{
	if (!v || !ex)
		return -EINVAL;
	if (v->vm.stage != VM_STAGE_RUNNING)
		return -EINVAL;
	vm_wait(&v->vm, ex);
	return 0;
}

VMM_API int vmm_stop(struct vmm *v)
{
	if (!v)
		return -EINVAL;
	vm_request_stop(&v->vm, VMM_EXIT_STOPPED, 0);
	return 0;
}

VMM_API int vmm_poll_fd(const struct vmm *v)
{
	return v ? v->vm.done_fd : -EINVAL;
}

VMM_API int vmm_console_write(struct vmm *v, const void *buf, size_t len)
{
	if (!v || (!buf && len))
		return -EINVAL;
	if (v->vm.stage < VM_STAGE_DEVICES)
		return -EAGAIN;
	if (len > INT32_MAX)
		len = INT32_MAX;
	if (v->vm.cfg.console == VMM_CONSOLE_VIRTIO)
		return v->vm.stage >= VM_STAGE_VIRTIO ?
		       vm_virtio_console_write(&v->vm, buf, len) : -EAGAIN;
	return (int)uart8250_receive(&v->vm.uart, buf, len);
}

VMM_API void vmm_destroy(struct vmm *v)
{
	if (!v)
		return;
	vm_teardown(&v->vm);
	free(v);
}

VMM_API const char *vmm_error(const struct vmm *v)
{
	return v ? v->vm.err.msg : "no VM";
}

VMM_API int vmm_parse_size(const char *s, uint64_t *out)
{
	return parse_size(s, out);
}
