#!/bin/sh
# seccomp on a running vmm (the tick guest): by default every thread (main/control, each vCPU and
# the device loop vmm-io) has a filter loaded (/proc/PID/task/TID/status: "Seccomp: 2"), and the
# guest keeps running; --seccomp log loads them too; --seccomp off loads none; a bad mode is one
# line and status 2. That a forbidden call is stopped on each kind of thread is the unit test
# tests/unit/core/test_sandbox.c; the whole KVM suite runs with the filters on.
W=${WORK:-/tmp}
n=0
ok() { n=$((n + 1)); echo "ok: $*"; }
fail() {
  echo "FAIL: $*"
  echo "--- vmm stderr"; cat "$W/sc.err" 2>/dev/null
  [ -z "${pid:-}" ] || kill "$pid" 2>/dev/null
  exit 1
}

# threads MODE...: start vmm with the tick guest and list "name seccomp-mode" per thread
threads() {
  "$VMM" --mem 32M --cpus 2 --kernel "$GUESTS/tick.elf" "$@" </dev/null >"$W/sc.out" 2>"$W/sc.err" &
  pid=$!
  for _ in $(seq 100); do [ "$(wc -c <"$W/sc.out")" -gt 20 ] && break; sleep 0.1; done
  [ "$(wc -c <"$W/sc.out")" -gt 20 ] || fail "the guest prints nothing ($*)"
  for t in /proc/$pid/task/*; do
    echo "$(cat "$t/comm") $(sed -n 's/^Seccomp:[[:space:]]*//p' "$t/status")"
  done | sort >"$W/sc.threads"
  s1=$(wc -c <"$W/sc.out")
  for _ in $(seq 100); do [ "$(wc -c <"$W/sc.out")" -gt "$s1" ] && break; sleep 0.1; done
  [ "$(wc -c <"$W/sc.out")" -gt "$s1" ] || fail "the guest stopped printing under the filters ($*)"
  kill -TERM "$pid"
  wait "$pid"
  st=$?
  pid=
  echo "$st" >"$W/sc.status"
}

# expect_all MODE: every thread (vmm, vcpu0, vcpu1, vmm-io) shows seccomp mode MODE
expect_all() {
  for name in vmm vcpu0 vcpu1 vmm-io; do
    grep -q "^$name " "$W/sc.threads" || fail "no thread $name: $(tr '\n' ' ' <"$W/sc.threads")"
  done
  bad=$(awk -v m="$1" '$2 != m' "$W/sc.threads")
  [ -z "$bad" ] || fail "threads not in seccomp mode $1: $bad"
  ok "every thread in seccomp mode $1 ($*): $(tr '\n' ' ' <"$W/sc.threads")"
}

threads
expect_all 2 default
# SIGTERM ends vmm cleanly (status 128+15 is vmm's own report, not a seccomp kill: that is 159)
[ "$(cat "$W/sc.status")" != 159 ] || fail "vmm was killed by seccomp (SIGSYS)"
ok "vmm ended on SIGTERM with status $(cat "$W/sc.status"), not SIGSYS"
threads --seccomp on
expect_all 2 on
threads --seccomp log
expect_all 2 log
threads --seccomp off
expect_all 0 off

"$VMM" --kernel "$GUESTS/tick.elf" --seccomp maybe >/dev/null 2>"$W/sc.err"
st=$?
[ $st = 2 ] && [ "$(wc -l <"$W/sc.err")" = 1 ] && grep -q 'seccomp' "$W/sc.err" &&
  ok "--seccomp maybe: status 2, one line: $(cat "$W/sc.err")" || fail "--seccomp maybe: status $st"
echo "PASS seccomp ($n checks)"
