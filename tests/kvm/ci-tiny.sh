#!/bin/sh
# The CI boot-test mode on tiny guests: each way a run can end gives its documented status, a
# one-line verdict on stderr, and a JUnit report: every --expect matched (0, and the run stops
# right there), an --expect never matched (5), a --fail-on match (5), --fail-on-panic, a timeout
# (6), a guest panic (4), a guest exit code of 3 (3); --console-log keeps the console;
# --isa-debug-exit gives QEMU's (V << 1) | 1 and a port that clashes is one clear error.
W=${WORK:-/tmp}
pass=0 failed=0
# run NAME WANT STDIN-TEXT VMM-ARGS...
run() {
  name=$1 want=$2 input=$3
  shift 3
  printf '%b' "$input" >"$W/$name.in"
  t0=$(date +%s)
  timeout -s KILL 60 "$VMM" --mem 32M --junit "$W/$name.xml" "$@" <"$W/$name.in" \
    >"$W/$name.out" 2>"$W/$name.err"
  got=$?
  dt=$(( $(date +%s) - t0 ))
  verdict=$(tail -n1 "$W/$name.err")
  bad=
  [ "$got" = "$want" ] || bad="status $got, expected $want"
  grep -q '</testsuites>' "$W/$name.xml" 2>/dev/null || bad="$bad; no complete JUnit report"
  if [ "$want" = 0 ]; then
    case $verdict in "vmm: PASS"*) ;; *) bad="$bad; verdict line: $verdict" ;; esac
    grep -q 'failures="0"' "$W/$name.xml" 2>/dev/null || bad="$bad; JUnit does not say failures=0"
  else
    case $verdict in "vmm: FAIL"*"(status $want)") ;; *) bad="$bad; verdict line: $verdict" ;; esac
    grep -q '<failure message=' "$W/$name.xml" 2>/dev/null || bad="$bad; JUnit has no <failure>"
  fi
  if [ -n "$bad" ]; then
    failed=$((failed + 1)); echo "FAIL $name: $bad"; sed 's/^/  | /' "$W/$name.out" "$W/$name.err"
  else
    pass=$((pass + 1)); echo "ok $name: status $got in $dt s: $verdict"
  fi
}

# The echo guest prints what it reads and ends only on 'q': with no 'q' in its input, only the
# matched --expect ends the run.
run expect-pass 0 'boot-ok\nall-tests-passed\n' --kernel "$GUESTS/echo.elf" \
  --expect 'boot-ok' --expect 'tests-passed$' --timeout 50
run expect-order 5 'all-tests-passed\nboot-ok\nq' --kernel "$GUESTS/echo.elf" \
  --expect 'boot-ok' --expect 'tests-passed'
run fail-on 5 'step 1\nFAILED: step 2\nmore\n' --kernel "$GUESTS/echo.elf" \
  --fail-on '^FAILED:' --timeout 50
run fail-on-panic 5 'Kernel panic - not syncing: test\n' --kernel "$GUESTS/echo.elf" \
  --fail-on-panic --expect 'never printed' --timeout 50
run timeout 6 '' --kernel "$GUESTS/hang.elf" --timeout 2
[ "$dt" -le 20 ] || { failed=$((failed + 1)); echo "FAIL timeout-prompt: the 2 s timeout took $dt s"; }
run guest-panic 4 '' --kernel "$GUESTS/panic.elf" --fail-on 'never printed'
run exit-code-3 3 '' --kernel "$GUESTS/exit3.elf" --timeout 50
run poweroff-pass 0 '' --kernel "$GUESTS/poweroff.elf" --timeout 50
# QEMU's isa-debug-exit semantics: status (V << 1) | 1, 8 bits of it
run isa-debug-exit-8 85 '' --kernel "$GUESTS/exit8.elf" --isa-debug-exit
run isa-debug-exit-32 15 '' --kernel "$GUESTS/exit32.elf" --isa-debug-exit=0xf4
timeout -s KILL 60 "$VMM" --mem 32M --kernel "$GUESTS/exit8.elf" --isa-debug-exit=0x3f8 \
  </dev/null >/dev/null 2>"$W/clash.err"
st=$?
if [ $st = 1 ] && [ "$(wc -l <"$W/clash.err")" = 1 ] && grep -q 'exit port 0x3f8-0x3fb overlaps' "$W/clash.err"; then
  pass=$((pass + 1)); echo "ok exit-port-clash: $(cat "$W/clash.err")"
else
  failed=$((failed + 1)); echo "FAIL exit-port-clash: status $st: $(cat "$W/clash.err")"
fi

# --console-log holds what the guest printed
printf 'logged-line\n' >"$W/log.in"
timeout -s KILL 60 "$VMM" --mem 32M --kernel "$GUESTS/echo.elf" --console-log "$W/console.log" \
  --expect 'logged-line' <"$W/log.in" >/dev/null 2>&1
if [ $? = 0 ] && grep -q 'logged-line' "$W/console.log" && grep -q 'tiny guest' "$W/console.log"; then
  pass=$((pass + 1)); echo "ok console-log: $(wc -c <"$W/console.log") bytes logged"
else
  failed=$((failed + 1)); echo "FAIL console-log"; sed 's/^/  | /' "$W/console.log"
fi
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
