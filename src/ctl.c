// SPDX-License-Identifier: MIT
/*
 * The control protocol's request parser and reply formatter. The
 * parser is a small recursive-descent reader for the one shape a
 * request has (a flat object of known keys), written so that every read
 * is checked against the end of the line first.
 */
#include "ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct cursor {
	const char *p, *end;
};

static const char *const cmd_names[] = {
	[CTL_STATUS] = "status",
	[CTL_PAUSE] = "pause",
	[CTL_RESUME] = "resume",
	[CTL_SHUTDOWN] = "shutdown",
	[CTL_STOP] = "stop",
	[CTL_METRICS] = "metrics",
};

const char *ctl_cmd_name(enum ctl_cmd cmd)
{
	return (unsigned int)cmd < sizeof(cmd_names) / sizeof(cmd_names[0]) ?
	       cmd_names[cmd] : "?";
}

__attribute__((format(printf, 3, 4)))
static int fail(struct ctl_error *e, const char *code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static bool peek(struct cursor *c, char ch)
{
	skip_ws(c);
	return c->p < c->end && *c->p == ch;
}

static bool take(struct cursor *c, char ch)
{
	if (!peek(c, ch))
		return false;
	c->p++;
	return true;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * A JSON string at the cursor (which is at its '"'), decoded into @out
 * (@cap bytes with the NUL; non-ASCII escapes become '?'). Returns its
 * decoded length, -ENAMETOOLONG if it does not fit, -EINVAL if broken.
 * @raw_start/@raw_end, if given, receive the JSON text of the string.
 */
static int read_string(struct cursor *c, char *out, size_t cap,
		       const char **raw_start, const char **raw_end)
{
	size_t n = 0;
	bool too_long = false;

	if (!take(c, '"'))
		return -EINVAL;
	if (raw_start)
		*raw_start = c->p - 1;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;

		if ((unsigned char)ch < 0x20)
			return -EINVAL;		/* raw control bytes */
		if (ch == '\\') {
			if (c->p >= c->end)
				return -EINVAL;
			ch = *c->p++;
			switch (ch) {
			case '"': case '\\': case '/': break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'u': {
				int v = 0;

				if (c->end - c->p < 4)
					return -EINVAL;
				for (int i = 0; i < 4; i++) {
					int h = hexval(c->p[i]);

					if (h < 0)
						return -EINVAL;
					v = v * 16 + h;
				}
				c->p += 4;
				ch = v > 0 && v < 0x80 ? (char)v : '?';
				break;
			}
			default:
				return -EINVAL;
			}
		}
		if (n + 1 < cap)
			out[n++] = ch;
		else
			too_long = true;
	}
	if (c->p >= c->end)
		return -EINVAL;			/* no closing quote */
	c->p++;
	if (raw_end)
		*raw_end = c->p;
	out[n] = '\0';
	return too_long ? -ENAMETOOLONG : (int)n;
}

/* An integer id: -?[0-9]{1,19}, kept as text. */
static int read_integer(struct cursor *c, char *out, size_t cap)
{
	const char *s = c->p;
	size_t n;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	n = (size_t)(c->p - s);
	if (!n || (n == 1 && *s == '-') || n > 20 || n >= cap)
		return -EINVAL;
	if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E'))
		return -EINVAL;			/* not an integer */
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* What kind of value starts at the cursor, for error messages. */
static const char *value_kind(struct cursor *c)
{
	skip_ws(c);
	if (c->p >= c->end)
		return "nothing";
	switch (*c->p) {
	case '"': return "a string";
	case '{': return "an object";
	case '[': return "an array";
	case 't': case 'f': return "a boolean";
	case 'n': return "null";
	default:
		return (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) ?
		       "a number" : "not JSON";
	}
}

/*
 * Step over one JSON value of any kind (to report a wrongly typed
 * member and still read the rest). Nesting is bounded by the line.
 */
static int skip_value(struct cursor *c)
{
	char tmp[2];
	int depth = 0;

	do {
		skip_ws(c);
		if (c->p >= c->end)
			return -EINVAL;
		switch (*c->p) {
		case '"':
			if (read_string(c, tmp, sizeof(tmp), NULL, NULL) == -EINVAL)
				return -EINVAL;
			break;
		case '{': case '[':
			depth++;
			c->p++;
			break;
		case '}': case ']':
			if (!depth)
				return -EINVAL;
			depth--;
			c->p++;
			break;
		case ',': case ':':
			if (!depth)
				return -EINVAL;
			c->p++;
			break;
		default:	/* a number, true, false or null */
			if (!strchr("-0123456789tfnrueals.E+", *c->p))
				return -EINVAL;
			while (c->p < c->end && strchr("-0123456789tfnrueals.E+", *c->p))
				c->p++;
		}
	} while (depth);
	return 0;
}

static int parse_cmd(struct cursor *c, struct ctl_request *req,
		     struct ctl_error *e)
{
	char name[32];
	int n;

	if (!peek(c, '"')) {
		const char *kind = value_kind(c);

		if (skip_value(c))
			return fail(e, "bad_json", "broken value");
		return fail(e, "bad_request", "\"cmd\" must be a string, not %s",
			    kind);
	}
	n = read_string(c, name, sizeof(name), NULL, NULL);
	if (n == -ENAMETOOLONG)
		return fail(e, "unknown_command", "unknown command (too long)");
	if (n < 0)
		return fail(e, "bad_json", "broken string");
	for (size_t i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++) {
		if (!strcmp(name, cmd_names[i])) {
			req->cmd = (enum ctl_cmd)i;
			return 0;
		}
	}
	return fail(e, "unknown_command",
		    "unknown command \"%.40s\" (status, pause, resume, shutdown, stop, metrics)",
		    name);
}

static int parse_id(struct cursor *c, struct ctl_request *req,
		    struct ctl_error *e)
{
	char tmp[CTL_MAX_ID + 1];
	const char *a, *b;
	int n;

	skip_ws(c);
	if (peek(c, '"')) {
		n = read_string(c, tmp, sizeof(tmp), &a, &b);
		if (n == -ENAMETOOLONG || (n >= 0 && (size_t)(b - a) > CTL_MAX_ID))
			return fail(e, "bad_request", "\"id\" is longer than %d bytes",
				    CTL_MAX_ID);
		if (n < 0)
			return fail(e, "bad_json", "broken string");
		/* Echo the JSON text as sent: it is valid JSON by now. */
		memcpy(req->id, a, (size_t)(b - a));
		req->id[b - a] = '\0';
	} else if (c->p < c->end && (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))) {
		if (read_integer(c, req->id, sizeof(req->id)))
			return fail(e, "bad_request", "\"id\" must be a string or an integer");
	} else {
		return fail(e, "bad_request", "\"id\" must be a string or an integer, not %s",
			    value_kind(c));
	}
	req->has_id = true;
	return 0;
}

int ctl_parse(const char *line, size_t len, struct ctl_request *req,
	      struct ctl_error *e)
{
	struct cursor c = { line, line + len };
	struct ctl_error cmd_err = { 0 };
	bool have_cmd = false;

	memset(req, 0, sizeof(*req));
	if (len > CTL_MAX_LINE)
		return fail(e, "too_long", "request longer than %d bytes", CTL_MAX_LINE);
	if (memchr(line, '\0', len))
		return fail(e, "bad_json", "NUL byte in the request");
	if (!take(&c, '{'))
		return fail(e, "bad_json", "a request is one JSON object, {\"cmd\": ...}");
	if (!peek(&c, '}')) {
		for (;;) {
			char key[16];
			int n, err;

			if (!peek(&c, '"'))
				return fail(e, "bad_json", "expected a key");
			n = read_string(&c, key, sizeof(key), NULL, NULL);
			if (n == -EINVAL)
				return fail(e, "bad_json", "broken string");
			if (!take(&c, ':'))
				return fail(e, "bad_json", "expected ':' after a key");
			if (n >= 0 && !strcmp(key, "cmd")) {
				if (have_cmd)
					return fail(e, "bad_request", "\"cmd\" given twice");
				/*
				 * A bad command is reported after the whole
				 * object is read, so that its id is echoed.
				 */
				err = parse_cmd(&c, req, &cmd_err);
				if (err && strcmp(cmd_err.code, "bad_json"))
					err = 0;
				else if (err)
					*e = cmd_err;
				have_cmd = true;
			} else if (n >= 0 && !strcmp(key, "id")) {
				if (req->has_id)
					return fail(e, "bad_request", "\"id\" given twice");
				err = parse_id(&c, req, e);
			} else {
				return fail(e, "bad_request", "unknown key \"%.32s\" (cmd, id)",
					    n >= 0 ? key : "(long)");
			}
			if (err)
				return err;
			if (take(&c, ','))
				continue;
			break;
		}
	}
	if (!take(&c, '}'))
		return fail(e, "bad_json", "expected ',' or '}'");
	skip_ws(&c);
	if (c.p != c.end)
		return fail(e, "bad_json", "text after the object");
	if (!have_cmd)
		return fail(e, "bad_request", "no \"cmd\"");
	if (cmd_err.code) {
		*e = cmd_err;
		return -EINVAL;
	}
	return 0;
}

/* @s as a JSON string body (no quotes), escaped. */
static size_t json_escape(char *out, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 7 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			out[n++] = '\\';
			out[n++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			n += (size_t)snprintf(out + n, cap - n, "\\u%04x", ch);
		} else {
			out[n++] = (char)ch;
		}
	}
	out[n] = '\0';
	return n;
}

int ctl_reply(char *buf, size_t len, const struct ctl_request *req,
	      const struct ctl_error *err, const char *fields)
{
	char msg[2 * sizeof(err->message) * 3];
	int n;

	if (err) {
		json_escape(msg, sizeof(msg), err->message);
		n = snprintf(buf, len,
			     "{\"ok\":false%s%s,\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n",
			     req && req->has_id ? ",\"id\":" : "",
			     req && req->has_id ? req->id : "", err->code, msg);
	} else {
		n = snprintf(buf, len, "{\"ok\":true%s%s%s%s}\n",
			     req && req->has_id ? ",\"id\":" : "",
			     req && req->has_id ? req->id : "",
			     fields ? "," : "", fields ? fields : "");
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}
