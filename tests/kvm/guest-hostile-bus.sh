#!/bin/sh
# A hostile tiny guest (tests/guests/guest.S, ACT_HOSTILE_BUS) attacks one surface per stage and
# checks the answer: unassigned ports and MMIO (writes ignored, reads all ones), status out of
# order, a queue size that is not a power of two, rings in the MMIO hole and straddling the end of
# RAM, notifies and selects for queues that do not exist, config space past its end, a descriptor
# cycle, an indirect table inside an indirect table, a length past the end of RAM. Each broken
# queue must put virtio-blk into NEEDS_RESET and come back through a reset; virtio-rng must still
# answer afterwards. Then a 117 KiB flood of serial output into a reader that stalls for 3 s:
# vmm's memory must not grow while the pipe is full, and every line must arrive.
W=${WORK:-/tmp}/hostile-bus
mkdir -p "$W"
n=0
ok() { n=$((n + 1)); echo "ok: $*"; }
fail() {
  echo "FAIL: $*"
  sed 's/^/  | /' "$W/out" 2>/dev/null | grep -v flood | tail -n 30
  echo "--- vmm stderr"; tail -n 30 "$W/err" 2>/dev/null
  [ -z "${pid:-}" ] || kill -9 "$pid" 2>/dev/null
  exit 1
}
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null; }

head -c 1048576 /dev/zero >"$W/disk.img"
rm -f "$W/fifo"; mkfifo "$W/fifo"
# The reader opens the pipe at once (so vmm's open does not wait), stalls for 3 s, then takes
# everything.
(exec <"$W/fifo"; sleep 3; cat >"$W/out") &
reader=$!
# Started directly (no timeout wrapper), so $pid is vmm itself; a watchdog kills a hung run.
"$VMM" -v --transport mmio --disk "$W/disk.img" \
  --kernel "$GUESTS/hostilebus.elf" --mem 32M </dev/null >"$W/fifo" 2>"$W/err" &
pid=$!
(sleep 120; kill -9 "$pid" 2>/dev/null) &
dog=$!
sleep 2
r1=$(rss $pid)
sleep 0.8
r2=$(rss $pid)
[ -n "$r1" ] && [ -n "$r2" ] || fail "vmm ended before the flood (status: $(wait $pid; echo $?))"
[ $((r2 - r1)) -le 64 ] && ok "while the reader stalls, vmm's RSS stays at ${r1}-${r2} KiB" \
  || fail "vmm's RSS grew from $r1 to $r2 KiB while its output was blocked"
wait $pid
st=$?
pid=
kill "$dog" 2>/dev/null
wait $reader
[ $st -eq 42 ] && ok "the guest ended with 42: every stage held" \
  || fail "exit status $st (80 + N: stage N saw a wrong answer)"
for m in 'unassigned ports ignore writes and read all ones' 'unassigned MMIO ignores writes' \
         'status out of order refused' 'missing queues and config past the end ignored' \
         'the other device still answers' 'all stages held'; do
  grep -q "hostile: $m" "$W/out" || fail "no line 'hostile: $m'"
done
ok "the guest reported every stage"
for s in 4 5 7 8 9; do
  grep -q "NEEDS_RESET and a clean reset after stage $s" "$W/out" || fail "no NEEDS_RESET in stage $s"
done
ok "NEEDS_RESET and a clean reset in stages 4, 5 (twice), 7, 8, 9"
nr=$(grep -c 'needs reset' "$W/err")
[ "$nr" -ge 6 ] && ok "vmm logged $nr 'needs reset' lines, one per broken queue" \
  || fail "vmm logged $nr 'needs reset' lines, want at least 6"
un=$(grep -c 'unhandled' "$W/err")
[ "$un" -le 16 ] && ok "512 unassigned port writes and MMIO accesses: $un log lines (bounded)" \
  || fail "$un 'unhandled' log lines: the log is not bounded"
fl=$(grep -c '^hostile: flood flood' "$W/out")
[ "$fl" -eq 2048 ] && ok "all 2048 flood lines arrived" || fail "$fl of 2048 flood lines arrived"
rm -rf "$W"
echo "PASS guest-hostile-bus ($n checks)"
