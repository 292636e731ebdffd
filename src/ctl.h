/* SPDX-License-Identifier: MIT */
/*
 * The control protocol: line-delimited JSON requests and replies, as
 * served on `vmm --api-socket PATH`. A request is one JSON object on one
 * line:
 *
 *	{"cmd": "status" | "pause" | "resume" | "shutdown" | "stop" |
 *		"metrics", "id": <optional string or integer, echoed>}
 *
 * and the reply is one line: {"ok": true, ...} or
 * {"ok": false, "error": {"code": "...", "message": "..."}}.
 *
 * Requests come from whoever can open the socket: the parser takes any
 * bytes, bounded by CTL_MAX_LINE, and never reads past them.
 */
#ifndef VMM_CTL_H
#define VMM_CTL_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_MAX_LINE	4096	/* longer requests are refused */
#define CTL_MAX_ID	64

enum ctl_cmd {
	CTL_STATUS,
	CTL_PAUSE,
	CTL_RESUME,
	CTL_SHUTDOWN,
	CTL_STOP,
	CTL_METRICS,
};

struct ctl_request {
	enum ctl_cmd cmd;
	char id[CTL_MAX_ID + 1];	/* as JSON text: "\"a\"" or "42" */
	bool has_id;
};

/* Why a request was refused: a stable code and a human message. */
struct ctl_error {
	const char *code;	/* "bad_json", "bad_request", "unknown_command",
				 * "too_long" (and the server's own) */
	char message[160];
};

/*
 * ctl_parse - parse one request line of @len bytes (no newline; NULs
 * are refused). Returns 0 and fills @req, or -EINVAL and fills @err.
 * Rules: one object; "cmd" is required and must be a string naming a
 * known command; "id", if present, is a string (at most CTL_MAX_ID
 * bytes of JSON text) or an integer; any other key is refused (so a
 * typo is reported, not ignored); a key given twice is refused; nothing
 * but whitespace may follow the object.
 */
int ctl_parse(const char *line, size_t len, struct ctl_request *req,
	      struct ctl_error *err);

/* ctl_cmd_name - "status", "pause", ... */
const char *ctl_cmd_name(enum ctl_cmd cmd);

/*
 * ctl_reply - format a reply line (with its newline) into @buf: success
 * with @fields (JSON members to add after "ok", e.g. "\"state\":\"running\"",
 * or NULL), or, with @err, the error object. The request's id, if any,
 * is echoed. Returns the length, or -ENOSPC.
 */
int ctl_reply(char *buf, size_t len, const struct ctl_request *req,
	      const struct ctl_error *err, const char *fields);

#endif
