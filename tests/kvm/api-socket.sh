#!/bin/sh
# The control socket (--api-socket) on a tiny guest that prints a dot now and then: the socket is
# 0600; status, pause (the dots stop), metrics, resume (they go on), stop; malformed, unknown,
# wrongly typed and oversized requests get error replies and leave the VM running; a ninth client
# at once is told "busy"; a second vmm
# cannot take a live socket; the socket file is gone after exit.
W=${WORK:-/tmp}
S=$W/api.sock
n=0
ok() { n=$((n + 1)); echo "ok: $*"; }
fail() {
  echo "FAIL: $*"
  echo "--- vmm stderr"; cat "$W/err" 2>/dev/null
  [ -z "${pid:-}" ] || kill "$pid" 2>/dev/null
  exit 1
}
ctl() { "$VMM" ctl "$S" "$@"; }
size() { wc -c <"$W/out"; }

"$VMM" --mem 32M --kernel "$GUESTS/tick.elf" --api-socket "$S" </dev/null >"$W/out" 2>"$W/err" &
pid=$!
for _ in $(seq 100); do [ -S "$S" ] && break; sleep 0.1; done
[ -S "$S" ] || fail "no socket at $S"
mode=$(stat -c %a "$S")
[ "$mode" = 600 ] && ok "socket mode is 0600" || fail "socket mode $mode"

r=$(ctl status) && [ "$r" = '{"ok":true,"state":"running"}' ] && ok "status: $r" || fail "status: $r"
for _ in $(seq 100); do [ "$(size)" -gt 40 ] && break; sleep 0.1; done
[ "$(size)" -gt 40 ] || fail "the guest prints nothing"

r=$(ctl pause) && [ "$r" = '{"ok":true,"state":"paused"}' ] && ok "pause: $r" || fail "pause: $r"
s1=$(size); sleep 1; s2=$(size)
[ "$s1" = "$s2" ] && ok "paused: no output for 1 s ($s1 bytes)" || fail "paused, yet output grew $s1 -> $s2"
r=$(ctl status) && [ "$r" = '{"ok":true,"state":"paused"}' ] || fail "status while paused: $r"
r=$(ctl metrics) || fail "metrics: $r"
case $r in '{"ok":true,"metrics":{"exits":{"io":'*'"timings_ms":{"vm_ready":'*) ok "metrics: ${r%%,\"io_by*}..." ;;
  *) fail "metrics: $r" ;; esac
r=$(ctl resume) && [ "$r" = '{"ok":true,"state":"running"}' ] && ok "resume: $r" || fail "resume: $r"
for _ in $(seq 50); do [ "$(size)" -gt "$s2" ] && break; sleep 0.1; done
[ "$(size)" -gt "$s2" ] && ok "resumed: output goes on" || fail "no output after resume"

# Bad requests, sent as they are; each gets an error reply.
printf '%s\n' 'garbage' '{"cmd":"reboot","id":7}' '{"cmd":1}' '{"cmd":"status","x":1}' \
  '{"cmd":"status"' '{"cmd":"status","id":"a"}' | ctl - >"$W/bad.txt"
[ $? = 1 ] || fail "vmm ctl - should fail when a reply is an error"
grep -c '"ok":false' "$W/bad.txt" | grep -qx 5 || fail "want 5 error replies: $(cat "$W/bad.txt")"
grep -q '"code":"bad_json"' "$W/bad.txt" && grep -q '{"ok":false,"id":7,"error":{"code":"unknown_command"' "$W/bad.txt" \
  && grep -q '"code":"bad_request"' "$W/bad.txt" && grep -q '{"ok":true,"id":"a","state":"running"}' "$W/bad.txt" \
  && ok "malformed, unknown, wrongly typed: error replies, ids echoed" || fail "replies: $(cat "$W/bad.txt")"
head -c 6000 /dev/zero | tr '\0' 'x' >"$W/big.txt"; echo >>"$W/big.txt"
ctl - <"$W/big.txt" >"$W/big.out"
grep -q '"code":"too_long"' "$W/big.out" && ok "an oversized request: too_long" || fail "oversized: $(cat "$W/big.out")"
r=$(ctl status) && [ "$r" = '{"ok":true,"state":"running"}' ] && ok "the VM runs on after bad requests" || fail "status: $r"

# Eight clients at once are served; a ninth is told "busy" and the VM runs on.
holders=
for _ in 1 2 3 4 5 6 7 8; do
  sleep 4 | ctl - >/dev/null 2>&1 &
  holders="$holders $!"
done
sleep 1.5
r=$(ctl status)
case $r in *'"code":"busy"'*) ok "a ninth client: $r" ;; *) fail "a ninth client got: $r" ;; esac
for h in $holders; do wait "$h"; done
r=$(ctl status) && [ "$r" = '{"ok":true,"state":"running"}' ] && ok "after the eight leave, a client is served again" \
  || fail "status after the clients left: $r"

"$VMM" --mem 32M --kernel "$GUESTS/tick.elf" --api-socket "$S" </dev/null >/dev/null 2>"$W/dup.err"
[ $? = 1 ] && grep -q 'another vmm is serving it' "$W/dup.err" && ok "a second vmm: $(cat "$W/dup.err")" \
  || fail "second vmm on the same socket: $(cat "$W/dup.err")"

r=$(ctl stop) && [ "$r" = '{"ok":true,"state":"stopping"}' ] && ok "stop: $r" || fail "stop: $r"
wait $pid
st=$?
pid=
[ $st = 0 ] && ok "vmm exited with status 0 after stop" || fail "vmm status $st after stop"
[ -e "$S" ] && fail "the socket file is still there" || ok "the socket file is gone"
echo "all $n checks passed"
