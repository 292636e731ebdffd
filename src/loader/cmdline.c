// SPDX-License-Identifier: MIT
/* Kernel command line assembly. */
#include "loader/loader.h"

#include <errno.h>
#include <string.h>

/*
 * A newline or other control character would be silently taken apart
 * by the kernel's parser (or end up in /proc/cmdline), so refuse it.
 */
static bool cmdline_has_control(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

int cmdline_build(char *out, size_t outlen, const char *base,
		  const char *extra)
{
	size_t blen, elen, need;

	if (!base)
		base = CMDLINE_DEFAULT;
	if (!extra)
		extra = "";
	if (outlen)
		out[0] = '\0';
	if (cmdline_has_control(base) || cmdline_has_control(extra))
		return -EINVAL;
	blen = strlen(base);
	elen = strlen(extra);
	/* base, one separating space when both parts exist, NUL */
	need = blen + elen + (blen && elen ? 1 : 0) + 1;
	if (need > outlen)
		return -E2BIG;
	memcpy(out, base, blen);
	if (blen && elen)
		out[blen++] = ' ';
	memcpy(out + blen, extra, elen);
	out[blen + elen] = '\0';
	return 0;
}
