// SPDX-License-Identifier: MIT
/* libFuzzer: the control socket's JSON request parser, then the reply. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request req;
	struct ctl_error err;
	char reply[1024];

	memset(&req, 0, sizeof(req));

	if (ctl_parse((const char *)data, size, &req, &err) == 0)
		ctl_reply(reply, sizeof(reply), &req, NULL, "\"state\":\"running\"");
	else
		ctl_reply(reply, sizeof(reply), &req, &err, NULL);
	return 0;
}
