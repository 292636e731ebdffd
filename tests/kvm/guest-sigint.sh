#!/bin/sh
# Tiny guest that spins forever: SIGINT stops the VM cleanly, status 130.
out=${WORK:-/tmp}/sigterm.$$.out
"$VMM" --kernel "$GUESTS/hang.elf" --mem 32M </dev/null >"$out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'hello from PVH' "$out" && break; sleep 0.2; done
kill -INT $pid
wait $pid
st=$?
sed 's/^/  | /' "$out"
rm -f "$out"
[ $st -eq 130 ] && { echo "SIGINT gave status 130"; exit 0; }
echo "SIGINT gave status $st, expected 130"; exit 1
