// SPDX-License-Identifier: MIT
/* The control protocol's parser: good requests, and every way to be bad. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctl.h"

static int parse(const char *s, struct ctl_request *r, struct ctl_error *e)
{
	return ctl_parse(s, strlen(s), r, e);
}

/* The request must be refused with @code. */
static void refused(const char *s, const char *code)
{
	struct ctl_request r;
	struct ctl_error e = { 0 };

	if (parse(s, &r, &e) != -EINVAL || !e.code || strcmp(e.code, code))
		fail_msg("'%s': want error %s, got %s (%s)", s, code,
			 e.code ? e.code : "none", e.message);
	assert_true(e.message[0] != '\0');
}

static void test_good(void **state)
{
	struct ctl_request r;
	struct ctl_error e;
	static const struct { const char *s; enum ctl_cmd cmd; } cases[] = {
		{ "{\"cmd\":\"status\"}", CTL_STATUS },
		{ "  { \"cmd\" : \"pause\" }  ", CTL_PAUSE },
		{ "{\"cmd\":\"resume\"}\r", CTL_RESUME },
		{ "{\"cmd\":\"shutdown\"}", CTL_SHUTDOWN },
		{ "{\"cmd\":\"stop\"}", CTL_STOP },
		{ "{\"cmd\":\"met\\u0072ics\"}", CTL_METRICS },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].s, &r, &e), 0);
		assert_int_equal(r.cmd, cases[i].cmd);
		assert_false(r.has_id);
	}
}

static void test_id_echoed(void **state)
{
	struct ctl_request r;
	struct ctl_error e;
	char buf[256];

	assert_int_equal(parse("{\"id\":\"a\\\"b\",\"cmd\":\"status\"}", &r, &e), 0);
	assert_true(r.has_id);
	assert_string_equal(r.id, "\"a\\\"b\"");
	assert_true(ctl_reply(buf, sizeof(buf), &r, NULL, "\"state\":\"running\"") > 0);
	assert_string_equal(buf, "{\"ok\":true,\"id\":\"a\\\"b\",\"state\":\"running\"}\n");

	assert_int_equal(parse("{\"cmd\":\"stop\",\"id\":-42}", &r, &e), 0);
	assert_string_equal(r.id, "-42");
}

static void test_malformed(void **state)
{
	refused("", "bad_json");
	refused("status", "bad_json");
	refused("[\"status\"]", "bad_json");
	refused("{\"cmd\":\"status\"", "bad_json");		/* truncated */
	refused("{\"cmd\":\"stat", "bad_json");
	refused("{\"cmd\"", "bad_json");
	refused("{\"cmd\" \"status\"}", "bad_json");
	refused("{\"cmd\":\"status\",}", "bad_json");
	refused("{\"cmd\":\"status\"}}", "bad_json");
	refused("{\"cmd\":\"status\"} {\"cmd\":\"stop\"}", "bad_json");
	refused("{\"cmd\":\"st\\qtus\"}", "bad_json");		/* bad escape */
	refused("{\"cmd\":\"st\\u00\"}", "bad_json");
	refused("{\"cmd\":\"a\001b\"}", "bad_json");		/* raw control */
	refused("{cmd:\"status\"}", "bad_json");
}

static void test_nul_and_long(void **state)
{
	struct ctl_request r;
	struct ctl_error e;
	static const char with_nul[] = "{\"cmd\":\"status\"}\0junk";
	size_t big = CTL_MAX_LINE + 100;
	char *s = malloc(big + 1);

	assert_int_equal(ctl_parse(with_nul, sizeof(with_nul) - 1, &r, &e), -EINVAL);
	assert_string_equal(e.code, "bad_json");
	assert_non_null(s);
	memset(s, ' ', big);
	memcpy(s, "{\"cmd\":\"status\"}", 16);
	s[big] = '\0';
	assert_int_equal(ctl_parse(s, big, &r, &e), -EINVAL);
	assert_string_equal(e.code, "too_long");
	/* A long string inside a short-enough line: the id bound holds. */
	memset(s, 'x', 1000);
	memcpy(s, "{\"cmd\":\"status\",\"id\":\"", 22);
	s[990] = '"';
	s[991] = '}';
	s[992] = '\0';
	assert_int_equal(ctl_parse(s, strlen(s), &r, &e), -EINVAL);
	assert_string_equal(e.code, "bad_request");
	free(s);
}

static void test_wrong_types(void **state)
{
	refused("{\"cmd\":1}", "bad_request");
	refused("{\"cmd\":true}", "bad_request");
	refused("{\"cmd\":null}", "bad_request");
	refused("{\"cmd\":{\"x\":1}}", "bad_request");
	refused("{\"cmd\":[\"status\"]}", "bad_request");
	refused("{\"cmd\":\"status\",\"id\":1.5}", "bad_request");
	refused("{\"cmd\":\"status\",\"id\":{}}", "bad_request");
	refused("{\"cmd\":\"status\",\"id\":true}", "bad_request");
	refused("{}", "bad_request");
	refused("{\"id\":\"x\"}", "bad_request");
	refused("{\"cmd\":\"status\",\"cmd\":\"stop\"}", "bad_request");
	refused("{\"cmd\":\"status\",\"verbose\":true}", "bad_request");
}

/* A bad command still has its id read, so the error reply can echo it. */
static void test_error_keeps_id(void **state)
{
	struct ctl_request r;
	struct ctl_error e;

	assert_int_equal(parse("{\"cmd\":\"reboot\",\"id\":7}", &r, &e), -EINVAL);
	assert_string_equal(e.code, "unknown_command");
	assert_true(r.has_id);
	assert_string_equal(r.id, "7");
	assert_int_equal(parse("{\"cmd\":{\"a\":[1,{\"b\":null}]},\"id\":\"q\"}", &r, &e), -EINVAL);
	assert_string_equal(e.code, "bad_request");
	assert_string_equal(r.id, "\"q\"");
	assert_int_equal(parse("{\"cmd\":[1,2,\"id\":3}", &r, &e), -EINVAL);
	assert_string_equal(e.code, "bad_json");
	assert_int_equal(parse("{\"cmd\":]}", &r, &e), -EINVAL);
	assert_string_equal(e.code, "bad_json");
}

static void test_unknown_command(void **state)
{
	refused("{\"cmd\":\"reboot\"}", "unknown_command");
	refused("{\"cmd\":\"\"}", "unknown_command");
	refused("{\"cmd\":\"STATUS\"}", "unknown_command");
	refused("{\"cmd\":\"statusstatusstatusstatusstatusstatusstatus\"}",
		"unknown_command");
}

static void test_error_reply(void **state)
{
	struct ctl_request r;
	struct ctl_error e;
	char buf[512];

	assert_int_equal(parse("{\"cmd\":\"x\\\"y\",\"id\":7}", &r, &e), -EINVAL);
	assert_true(ctl_reply(buf, sizeof(buf), &r, &e, NULL) > 0);
	assert_non_null(strstr(buf, "\"ok\":false"));
	assert_non_null(strstr(buf, "\"code\":\"unknown_command\""));
	/* The guest-free message is escaped: a quote in it stays a quote. */
	assert_non_null(strstr(buf, "x\\\"y"));
	assert_int_equal(ctl_reply(buf, 8, &r, &e, NULL), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_id_echoed),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_nul_and_long),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_error_keeps_id),
		cmocka_unit_test(test_error_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
