#!/bin/sh
# --timings with Debian's kernel and the guest kit: every boot phase is reached, in order (VM
# ready, first vCPU entry, the guest kit's "boot done" write to port 0xf8, shutdown; the first
# console byte somewhere after the first entry), and the exit counts add up.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

run_vmm --timings --cmdline "$(run_cmdline 'true')"
expect_status 0 "guest powered off"
line=$(grep '^vmm: timings' "$VMMERR") || fail "no timings line on stderr"
ok "$line"
val() { echo "$line" | sed -n "s/.* $1 \([0-9.]*\).*/\1/p"; }
# in_order A B...: each phase's time is at least the one before it
in_order() {
  prev=0 pn=start
  for p in "$@"; do
    v=$(val "$p")
    [ -n "$v" ] || fail "phase $p has no time"
    awk -v a="$prev" -v b="$v" 'BEGIN { exit !(b + 0 >= a + 0) }' || fail "phase $p ($v ms) came before $pn ($prev ms)"
    prev=$v pn=$p
  done
  ok "in order: $*"
}
in_order vm_ready first_vcpu_entry boot_done shutdown
# with "quiet" the first console byte may come after init started: it only has to be in the run
in_order first_vcpu_entry first_console_byte shutdown
ex=$(grep '^vmm: userspace exits' "$VMMERR") || fail "no exits line"
ok "$ex"
total=$(echo "$ex" | sed -n 's/.* total \([0-9]*\).*/\1/p')
sum=$(echo "$ex" | awk '{ s = 0; for (i = 1; i < NF; i++) if ($i ~ /^(io|mmio|intr|other)$/) s += $(i + 1); print s }')
expect_eq "$sum" "$total" "io + mmio + intr + other"
[ "${total:-0}" -gt 0 ] && ok "$total exits" || fail "no exits counted"
pass
