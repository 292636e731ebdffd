#!/bin/sh
# A hostile tiny guest (tests/guests/guest.S, ACT_HOSTILE_PCI) attacks the virtio-pci and PCI
# surface, one part per stage, and checks the answer: config space through 0xCF8/0xCFC and ECAM
# past its end, absent functions, slots and buses (all ones), read-only ids and capabilities, BAR
# sizing, BAR0 moved onto RAM, onto another BAR and to the top of the window, the PCI_CFG window
# into BAR0; MSI-X table entries past the table and the page, PBA writes, quadword table and PBA
# accesses, msix_config and queue_msix_vector past the table (NO_VECTOR), the MSI-X Enable/Function
# Mask bits; common config selects, widths and feature windows out of range, a ring address written
# in one 64-bit access (virtio 1.2, 4.1.3.1: it must land), queue sizes that are not a power of two,
# queues enabled too early, notifies for queues that do not exist, device config past its end;
# status and features out of order. Each broken queue must put virtio-blk into NEEDS_RESET (a
# config interrupt held in the PBA under the Function Mask) and come back through a reset;
# virtio-rng must still return entropy, also after its BAR was moved over blk's and back, and
# blk must still read a sector.
W=${WORK:-/tmp}/hostile-pci
mkdir -p "$W"
n=0
ok() { n=$((n + 1)); echo "ok: $*"; }
fail() {
  echo "FAIL: $*"
  sed 's/^/  | /' "$W/out" 2>/dev/null | tail -n 30
  echo "--- vmm stderr"; tail -n 30 "$W/err" 2>/dev/null
  exit 1
}

head -c 1048576 /dev/zero >"$W/disk.img"
# virtio-blk is the first PCI function (slot 1), virtio-rng (on by default) the second.
timeout -s KILL 300 "$VMM" -v --transport pci --disk "$W/disk.img" \
  --kernel "$GUESTS/hostilepci.elf" --mem 32M </dev/null >"$W/out" 2>"$W/err"
st=$?
[ $st -eq 42 ] && ok "the guest ended with 42: every stage held" \
  || fail "exit status $st (80 + N: stage N saw a wrong answer; 137: killed after 300 s)"
for m in 'config space past the end, absent functions, read-only fields and BAR moves held' \
         'MSI-X table, PBA and vectors out of range ignored' \
         'common config, notify and device config out of range ignored' \
         'features and status out of order refused' 'rng and blk still answer' 'all stages held'; do
  grep -q "hostile-pci: $m" "$W/out" || fail "no line 'hostile-pci: $m'"
done
ok "the guest reported every stage"
[ "$(grep -c 'NEEDS_RESET and a clean reset after stage 3' "$W/out")" -eq 2 ] \
  || fail "want 2 NEEDS_RESET in stage 3 (queue size 7, enabled before FEATURES_OK)"
[ "$(grep -c 'NEEDS_RESET and a clean reset after stage 5' "$W/out")" -eq 3 ] \
  || fail "want 3 NEEDS_RESET in stage 5 (a descriptor cycle, rings outside RAM twice)"
ok "NEEDS_RESET and a clean reset twice in stage 3 and three times in stage 5"
nr=$(grep -c 'virtio-blk.*needs reset' "$W/err")
[ "$nr" -ge 5 ] && ok "vmm logged $nr 'needs reset' lines for virtio-blk, one per broken queue" \
  || fail "vmm logged $nr 'needs reset' lines for virtio-blk, want at least 5"
grep -q 'virtio-rng.*needs reset' "$W/err" && fail "virtio-rng was broken too"
ok "virtio-rng was never broken"
un=$(grep -c 'unhandled' "$W/err")
[ "$un" -le 16 ] && ok "unassigned MMIO past the ECAM window and the BARs: $un log lines (bounded)" \
  || fail "$un 'unhandled' log lines: the log is not bounded"
lines=$(wc -l <"$W/err")
[ "$lines" -le 60 ] && ok "vmm's whole log is $lines lines" || fail "vmm logged $lines lines"
rm -rf "$W"
echo "PASS guest-hostile-pci ($n checks)"
