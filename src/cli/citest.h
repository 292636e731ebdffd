/* SPDX-License-Identifier: MIT */
/*
 * The CI boot-test mode of the vmm command: console patterns that decide
 * pass or fail (--expect, --fail-on, --fail-on-panic), a console log and
 * a JUnit XML report. The patterns are POSIX extended regular
 * expressions matched against each console line.
 *
 * Threads: citest_feed runs on whichever thread delivers console output
 * (a vCPU thread, or the device event loop for virtio-console); the
 * verdict is read by the main thread after the VM stopped. A mutex
 * serialises them.
 */
#ifndef VMM_CLI_CITEST_H
#define VMM_CLI_CITEST_H

#include <pthread.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CITEST_MAX_PATTERNS	64
#define CITEST_LINE_MAX		4096	/* longer lines are matched in pieces */
#define CITEST_TAIL		(64 * 1024)	/* console kept for the report */

enum citest_verdict {
	CITEST_PENDING,		/* nothing decided by the patterns */
	CITEST_EXPECTED,	/* every --expect matched, in order */
	CITEST_FAILED_ON,	/* a --fail-on pattern matched */
};

struct citest_pattern {
	regex_t re;
	const char *src;
};

struct citest {
	pthread_mutex_t lock;
	struct citest_pattern expect[CITEST_MAX_PATTERNS];
	unsigned int nr_expect, next_expect;
	struct citest_pattern fail[CITEST_MAX_PATTERNS];
	unsigned int nr_fail;
	enum citest_verdict verdict;
	char verdict_line[CITEST_LINE_MAX];	/* the line that decided */
	const char *verdict_pattern;

	char line[CITEST_LINE_MAX];
	size_t line_len;
	FILE *log;			/* --console-log, or NULL */
	char tail[CITEST_TAIL];		/* the last console bytes, a ring */
	size_t tail_pos;
	bool tail_wrapped;
};

/* citest_init - no patterns, no log. */
void citest_init(struct citest *t);

/*
 * citest_add - compile @re as an --expect (@expect true) or --fail-on
 * pattern. Returns 0, or -1 with a one-line reason in @err.
 */
int citest_add(struct citest *t, bool expect, const char *re, char *err,
	       size_t errlen);

/* citest_active - whether any pattern was given. */
bool citest_active(const struct citest *t);

/*
 * citest_feed - console output. Returns true the first time a verdict
 * is reached (the caller then stops the VM).
 */
bool citest_feed(struct citest *t, const char *buf, size_t len);

/*
 * citest_finish - the guest stopped: match a last partial line and
 * flush the log. Returns the verdict.
 */
enum citest_verdict citest_finish(struct citest *t);

/*
 * citest_junit - write a JUnit XML report for one test case @name that
 * took @seconds to @f (opened at start, so a bad path fails before the
 * run) and close it; @failure is NULL for a pass, else the failure
 * message. The tail of the console goes into system-out. Returns 0 or
 * -errno.
 */
int citest_junit(struct citest *t, FILE *f, const char *name,
		 double seconds, const char *failure);

/* citest_exit - free the patterns and close the log. */
void citest_exit(struct citest *t);

#endif
