// SPDX-License-Identifier: MIT
/*
 * CI boot-test mode: console patterns, console log, JUnit report.
 */
#include "citest.h"

#include <errno.h>
#include <string.h>

void citest_init(struct citest *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
}

int citest_add(struct citest *t, bool expect, const char *re, char *err,
	       size_t errlen)
{
	struct citest_pattern *p;
	unsigned int *n = expect ? &t->nr_expect : &t->nr_fail;
	int rc;

	if (*n == CITEST_MAX_PATTERNS) {
		snprintf(err, errlen, "at most %d patterns of each kind",
			 CITEST_MAX_PATTERNS);
		return -1;
	}
	if (!*re) {
		snprintf(err, errlen, "an empty pattern matches every line");
		return -1;
	}
	p = expect ? &t->expect[*n] : &t->fail[*n];
	rc = regcomp(&p->re, re, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char why[128];

		regerror(rc, &p->re, why, sizeof(why));
		snprintf(err, errlen, "not a regular expression: %s", why);
		return -1;
	}
	p->src = re;
	(*n)++;
	return 0;
}

bool citest_active(const struct citest *t)
{
	return t->nr_expect || t->nr_fail;
}

static bool citest_match(const struct citest_pattern *p, const char *line)
{
	return regexec(&p->re, line, 0, NULL, 0) == 0;
}

static void citest_decide(struct citest *t, enum citest_verdict v,
			  const char *pattern, const char *line)
{
	t->verdict = v;
	t->verdict_pattern = pattern;
	snprintf(t->verdict_line, sizeof(t->verdict_line), "%s", line);
}

/* One complete line (NUL-terminated, no newline). True on a verdict. */
static bool citest_line(struct citest *t, const char *line)
{
	if (t->verdict != CITEST_PENDING)
		return false;
	for (unsigned int i = 0; i < t->nr_fail; i++) {
		if (citest_match(&t->fail[i], line)) {
			citest_decide(t, CITEST_FAILED_ON, t->fail[i].src, line);
			return true;
		}
	}
	/* One line may satisfy several consecutive --expect patterns. */
	while (t->next_expect < t->nr_expect &&
	       citest_match(&t->expect[t->next_expect], line))
		t->next_expect++;
	if (t->nr_expect && t->next_expect == t->nr_expect) {
		citest_decide(t, CITEST_EXPECTED,
			      t->expect[t->nr_expect - 1].src, line);
		return true;
	}
	return false;
}

static void citest_keep_tail(struct citest *t, const char *buf, size_t len)
{
	if (len >= CITEST_TAIL) {
		buf += len - CITEST_TAIL;
		len = CITEST_TAIL;
	}
	while (len) {
		size_t n = CITEST_TAIL - t->tail_pos;

		if (n > len)
			n = len;
		memcpy(t->tail + t->tail_pos, buf, n);
		t->tail_pos += n;
		if (t->tail_pos == CITEST_TAIL) {
			t->tail_pos = 0;
			t->tail_wrapped = true;
		}
		buf += n;
		len -= n;
	}
}

bool citest_feed(struct citest *t, const char *buf, size_t len)
{
	bool decided = false;

	pthread_mutex_lock(&t->lock);
	if (t->log)
		fwrite(buf, 1, len, t->log);
	citest_keep_tail(t, buf, len);
	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];

		if (ch == '\r')
			continue;
		if (ch != '\n') {
			t->line[t->line_len++] = ch ? ch : ' ';
			if (t->line_len < sizeof(t->line) - 1)
				continue;
		}
		t->line[t->line_len] = '\0';
		decided |= citest_line(t, t->line);
		t->line_len = 0;
	}
	pthread_mutex_unlock(&t->lock);
	return decided;
}

enum citest_verdict citest_finish(struct citest *t)
{
	enum citest_verdict v;

	pthread_mutex_lock(&t->lock);
	if (t->line_len) {
		t->line[t->line_len] = '\0';
		citest_line(t, t->line);
		t->line_len = 0;
	}
	if (t->log)
		fflush(t->log);
	v = t->verdict;
	pthread_mutex_unlock(&t->lock);
	return v;
}

/* XML text: escape markup, drop bytes XML 1.0 cannot carry. */
static void xml_put(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\n': case '\t': fputc(c, f); break;
		default:
			/* Control bytes and non-ASCII (not known to be UTF-8). */
			if (c >= 0x20 && c < 0x7f)
				fputc(c, f);
			else if (c >= 0x80)
				fputc('?', f);
		}
	}
}

static void xml_puts(FILE *f, const char *s)
{
	xml_put(f, s, strlen(s));
}

int citest_junit(struct citest *t, FILE *f, const char *name,
		 double seconds, const char *failure)
{
	int err = 0;

	if (!f)
		return -EBADF;
	pthread_mutex_lock(&t->lock);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuites>\n"
		   "<testsuite name=\"vmm\" tests=\"1\" failures=\"%d\" errors=\"0\" time=\"%.3f\">\n"
		   "<testcase classname=\"vmm.boot\" name=\"",
		failure ? 1 : 0, seconds);
	xml_puts(f, name);
	fprintf(f, "\" time=\"%.3f\">\n", seconds);
	if (failure) {
		fputs("<failure message=\"", f);
		xml_puts(f, failure);
		fputs("\">", f);
		xml_puts(f, failure);
		fputs("</failure>\n", f);
	}
	fputs("<system-out>", f);
	if (t->tail_wrapped)
		xml_put(f, t->tail + t->tail_pos, CITEST_TAIL - t->tail_pos);
	xml_put(f, t->tail, t->tail_pos);
	fputs("</system-out>\n</testcase>\n</testsuite>\n</testsuites>\n", f);
	pthread_mutex_unlock(&t->lock);
	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

void citest_exit(struct citest *t)
{
	for (unsigned int i = 0; i < t->nr_expect; i++)
		regfree(&t->expect[i].re);
	for (unsigned int i = 0; i < t->nr_fail; i++)
		regfree(&t->fail[i].re);
	t->nr_expect = t->nr_fail = 0;
	if (t->log)
		fclose(t->log);
	t->log = NULL;
	pthread_mutex_destroy(&t->lock);
}
