#!/bin/sh
# Bad input that is only found once KVM is open: too many vCPUs, a kernel or initrd too big
# for guest memory, huge pages that are not there. Each must give one line on stderr naming
# the problem and status 1, never a crash or a hang.
W=${WORK:-/tmp}/bad-input-kvm
mkdir -p "$W"
fails=0
check() {
	name=$1 want=$2 regex=$3
	shift 3
	timeout -s KILL 60 "$VMM" "$@" </dev/null >"$W/out" 2>"$W/err"
	got=$?
	lines=$(wc -l <"$W/err")
	if [ "$got" -eq "$want" ] && [ "$lines" -eq 1 ] && grep -Eq -e "$regex" "$W/err"; then
		echo "ok: $name: $(cat "$W/err")"
	else
		echo "FAIL: $name: status $got (want $want), $lines stderr lines, want /$regex/:"
		sed 's/^/  | /' "$W/err"
		fails=$((fails + 1))
	fi
}
g=$GUESTS/exit8.elf
check too-many-cpus 1 "1000 vCPUs requested, but at most [0-9]+ are possible" --kernel "$g" --cpus 1000
check kernel-too-big 1 "kernel .* needs .*MiB" --kernel "$KERNEL" --mem 32M
head -c $((60 * 1024 * 1024)) /dev/zero >"$W/big.initrd"
check initrd-too-big 1 "initrd .*do not fit in guest memory" --kernel "$KERNEL" --initrd "$W/big.initrd" --mem 100M
rm -f "$W/big.initrd"
check disk-missing 1 "disk /nonexistent.img: No such file or directory" --kernel "$g" --disk /nonexistent.img
head -c 1000 /dev/zero >"$W/odd.img"
check disk-odd-size 1 "disk .*odd.img: size 1000 is not a multiple of 512" --kernel "$g" --disk "$W/odd.img"
: >"$W/empty.img"
check disk-empty 1 "disk .*empty.img: the disk is empty" --kernel "$g" --disk "$W/empty.img"
rm -f "$W/odd.img" "$W/empty.img"
# Huge pages: none reserved gives a clean error; with some reserved the guest runs.
if [ -w /proc/sys/vm/nr_hugepages ]; then
	echo 0 >/proc/sys/vm/nr_hugepages
	check hugepages-none 1 "huge pages" --kernel "$g" --mem 32M --hugepages
	echo 32 >/proc/sys/vm/nr_hugepages
	timeout -s KILL 60 "$VMM" --kernel "$g" --mem 32M --hugepages </dev/null >"$W/out" 2>&1
	st=$?
	echo 0 >/proc/sys/vm/nr_hugepages
	if [ $st -eq 42 ] && grep -q 'hello from PVH' "$W/out"; then
		echo "ok: hugepages: guest ran on 2 MiB pages (status 42)"
	else
		echo "FAIL: hugepages: status $st"; sed 's/^/  | /' "$W/out"; fails=$((fails + 1))
	fi
fi
[ $fails -eq 0 ]
