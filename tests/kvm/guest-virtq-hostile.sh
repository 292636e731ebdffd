#!/bin/sh
# A hostile tiny guest drives virtio-blk over virtio-mmio by hand and posts a chain whose head
# index is past the ring: the device must report DEVICE_NEEDS_RESET (logged once by vmm), recover
# through a reset, and the VMM must stay up (the guest then exits with 42).
W=${WORK:-/tmp}/virtq-hostile
mkdir -p "$W"
head -c 1048576 /dev/zero >"$W/disk.img"
timeout -s KILL 60 "$VMM" -v --transport mmio --no-rng --disk "$W/disk.img" \
	--kernel "$GUESTS/virtqhostile.elf" --mem 32M </dev/null >"$W/out" 2>"$W/err"
st=$?
sed 's/^/  | /' "$W/out" "$W/err"
ok=0
[ $st -eq 42 ] || { echo "exit status $st, expected 42"; ok=1; }
grep -q 'device reports NEEDS_RESET' "$W/out" || { echo "guest never saw NEEDS_RESET"; ok=1; }
grep -q 'device reset, status reads 0' "$W/out" || { echo "device did not come back after reset"; ok=1; }
n=$(grep -c 'needs reset' "$W/err")
[ "$n" -eq 1 ] || { echo "expected one 'needs reset' log line, got $n"; ok=1; }
rm -rf "$W"
[ $ok -eq 0 ] && echo "NEEDS_RESET raised, logged once, device recovered, VMM stayed up"
exit $ok
