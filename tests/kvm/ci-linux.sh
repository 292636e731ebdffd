#!/bin/sh
# The CI boot-test mode with Debian's stock kernel and the guest kit: a pass (--expect matched
# stops the run at once, with a JUnit report), a --fail-on-panic match on a "BUG:" line, a
# timeout, a guest panic, and a guest exit code of 3 written from the shell through /dev/port;
# each with its documented status.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

# verdict WANT: the status and the one-line verdict vmm printed last on stderr
verdict() {
  expect_status "$1" "$2"
  v=$(tail -n1 "$VMMERR")
  case "$1:$v" in
    0:"vmm: PASS"*|[1-9]*:"vmm: FAIL"*"(status $1)") ok "verdict line: $v" ;;
    *) fail "verdict line: $v" ;;
  esac
}

run_vmm --junit "$WORK/pass.xml" --expect '^VMM-GUEST-READY$' --timeout 300 \
  --cmdline "$(run_cmdline 'sleep 600')"
verdict 0 "pass: the --expect matched, and the sleeping guest was stopped"
grep -q 'failures="0"' "$WORK/pass.xml" && grep -q '</testsuites>' "$WORK/pass.xml" \
  && ok "JUnit report of a pass" || fail "JUnit report: $(cat "$WORK/pass.xml")"

run_vmm --fail-on-panic --expect 'never printed' --timeout 300 \
  --cmdline "$(run_cmdline 'echo BUG: a test found a bug; sleep 600')"
verdict 5 "--fail-on-panic matched"
expect_no_console 'VMM-RUN-EXIT' "the command's end (the run stopped at the match)"

run_vmm --timeout 5 --cmdline "$(run_cmdline 'sleep 600')"
verdict 6 "timeout"

run_vmm --expect 'never printed' --timeout 300 \
  --cmdline "$(run_cmdline 'echo c > /proc/sysrq-trigger' 'panic=-1')"
verdict 4 "guest panic"

run_vmm --junit "$WORK/code.xml" --timeout 300 \
  --cmdline "$(run_cmdline "printf '\\003' | dd of=/dev/port bs=1 seek=244 count=1")"
verdict 3 "guest exit code 3"
grep -q '<failure message=' "$WORK/code.xml" && ok "JUnit report of a failure" \
  || fail "JUnit report: $(cat "$WORK/code.xml")"
pass
