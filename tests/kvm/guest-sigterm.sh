#!/bin/sh
# Tiny guest that spins forever: SIGTERM stops the VM cleanly, status 143.
out=${WORK:-/tmp}/sigterm.$$.out
"$VMM" --kernel "$GUESTS/hang.elf" --mem 32M </dev/null >"$out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'hello from PVH' "$out" && break; sleep 0.2; done
kill -TERM $pid
wait $pid
st=$?
sed 's/^/  | /' "$out"
rm -f "$out"
[ $st -eq 143 ] && { echo "SIGTERM gave status 143"; exit 0; }
echo "SIGTERM gave status $st, expected 143"; exit 1
