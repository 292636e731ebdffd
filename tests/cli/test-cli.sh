#!/bin/sh
# Bad input at the command line: each case must give exactly one line on
# stderr that names the problem, the documented non-zero status, and never
# a crash (status >= 128) or a hang. None of these needs KVM: the CLI and
# the library check files and sizes before they open /dev/kvm.
# usage: test-cli.sh VMM GUESTS_DIR
VMM=$1
GUESTS=$2
W=$(mktemp -d)
RUN=
trap 'rm -rf "$W"' EXIT
pass=0 fail=0

# case NAME STATUS REGEX ARGS...
check() {
	name=$1 want=$2 regex=$3
	shift 3
	# shellcheck disable=SC2086
	timeout -s KILL 20 $RUN "$VMM" "$@" </dev/null >"$W/out" 2>"$W/err"
	got=$?
	lines=$(wc -l <"$W/err")
	if [ "$got" -eq "$want" ] && [ "$lines" -eq 1 ] &&
	   grep -Eq -e "$regex" "$W/err"; then
		pass=$((pass + 1))
		echo "PASS $name: $(cat "$W/err")"
	else
		fail=$((fail + 1))
		echo "FAIL $name: status $got (want $want), $lines stderr lines, want /$regex/:"
		sed 's/^/  | /' "$W/err"
	fi
}

printf 'this is not a kernel, just some text\n' >"$W/text"
head -c 100000 /dev/urandom >"$W/random"
: >"$W/empty"
printf '\177ELF' >"$W/elfstub"
mkdir "$W/dir"
# A well-formed kernel, so that the later checks are reached.
k="$GUESTS/exit8.elf"
[ -r "$k" ] || { echo "FAIL: no tiny guest at $k"; exit 1; }
bz=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)

check unknown-flag 2 "unknown option '--bogus'" --bogus
check no-kernel 2 "no kernel given" --mem 1G
check stray-arg 2 "unexpected argument 'extra'" --kernel x extra
check mem-zero 2 "--mem 0: .*zero" --kernel "$k" --mem 0
check mem-10X 2 "--mem 10X: not a size" --kernel "$k" --mem 10X
check mem-empty 2 "--mem : not a size" --kernel "$k" --mem ""
check mem-overflow 2 "--mem .*too large" --kernel "$k" --mem 99999999999999999999T
check mem-too-small 1 "too small" --kernel "$k" --mem 1M
check mem-huge 1 "too large" --kernel "$k" --mem 100T
check cpus-zero 2 "--cpus 0" --kernel "$k" --cpus 0
check cpus-word 2 "--cpus two: not a number" --kernel "$k" --cpus two
check cpus-negative 2 "--cpus -1" --kernel "$k" --cpus -1
# The limits on devices (SECURITY.md): one past each is a usage error.
check disks-17 2 "at most 16 disks" --kernel "$k" $(for _ in $(seq 17); do echo --disk "$W/empty"; done)
check nets-9 2 "at most 8 NICs" --kernel "$k" $(for i in $(seq 9); do echo --net "tap=t$i"; done)
check modules-33 2 "at most 32 modules" --kernel "$k" $(for _ in $(seq 33); do echo --module "$k"; done)
check net-queues-17 2 "queues must be 1 to 16" --kernel "$k" --net tap=t0,queues=17
check seccomp-bad 2 "--seccomp maybe: must be on, log or off" --kernel "$k" --seccomp maybe
check metrics-bad-path 1 "--metrics /nonexistent/m.json" --kernel "$k" --metrics /nonexistent/m.json
check missing-arg 2 "needs an argument" --kernel
check kernel-missing 1 "kernel /nonexistent/bzImage: No such file" --kernel /nonexistent/bzImage
check kernel-dir 1 "is a directory" --kernel "$W/dir"
check kernel-text 1 "kernel .*/text: not a bzImage or ELF kernel" --kernel "$W/text"
check kernel-random 1 "kernel .*/random: not a bzImage or ELF kernel" --kernel "$W/random"
check kernel-empty 1 "kernel .*/empty: " --kernel "$W/empty"
check kernel-elf-stub 1 "kernel .*/elfstub: .*(truncated|ELF)" --kernel "$W/elfstub"
# An ELF with its program headers cut off, and one with no PVH note.
head -c 200 "$k" >"$W/elfcut"
check kernel-elf-truncated 1 "kernel .*/elfcut: .*" --kernel "$W/elfcut"
if [ -n "$bz" ]; then
	head -c 300000 "$bz" >"$W/bzcut"
	check bzimage-truncated 1 "kernel .*/bzcut: .*truncated" --kernel "$W/bzcut"
	cp "$bz" "$W/bzbad" && printf 'XXXX' | dd of="$W/bzbad" bs=1 seek=514 conv=notrunc 2>/dev/null
	check bzimage-corrupt 1 "kernel .*/bzbad: corrupt bzImage" --kernel "$W/bzbad"
	cp "$bz" "$W/bzold" && printf '\002\002' | dd of="$W/bzold" bs=1 seek=518 conv=notrunc 2>/dev/null
	check bzimage-old-protocol 1 "kernel .*/bzold: .*too old \(2\.02\)" --kernel "$W/bzold"
fi
check disk-no-path 2 "--disk ,ro: no path" --kernel "$k" --disk ,ro
check disk-bad-option 2 "--disk x.img,rw: unknown option 'rw'" --kernel "$k" --disk x.img,rw
check disk-long-id 2 "id is longer than 20 bytes" --kernel "$k" --disk x.img,id=123456789012345678901
check net-bad-mac 2 "--net tap=t0,mac=zz: 'zz' is not a unicast MAC" --kernel "$k" --net tap=t0,mac=zz
check net-multicast-mac 2 "not a unicast MAC" --kernel "$k" --net tap=t0,mac=01:00:5e:00:00:01
check net-zero-mac 2 "not a unicast MAC" --kernel "$k" --net mac=00:00:00:00:00:00
check net-queues-0 2 "queues must be 1 to 16" --kernel "$k" --net tap=t0,queues=0
check net-queues-big 2 "queues must be 1 to 16" --kernel "$k" --net tap=t0,queues=17
check net-long-name 2 "is not an interface name" --kernel "$k" --net tap=abcdefghijklmnop
check net-bad-option 2 "unknown option 'vhost=on'" --kernel "$k" --net tap=t0,vhost=on
check net-same-tap 2 "tap t0 is already used" --kernel "$k" --net tap=t0 --net tap=t0
check isa-debug-exit-big 2 "want an I/O port like 0xf4" --kernel "$k" --isa-debug-exit=0x10000
check isa-debug-exit-text 2 "want an I/O port like 0xf4" --kernel "$k" --isa-debug-exit=com1
check module-missing 1 "module $W/nope: No such file or directory" --kernel "$k" --module "$W/nope,args"
check module-no-file 2 "--module ,x: no file" --kernel "$k" --module ,x
check vsock-no-cid 2 "expected cid=N" --kernel "$k" --vsock 3
check vsock-cid-2 2 "CID must be 3 to 4294967294" --kernel "$k" --vsock cid=2
check vsock-cid-big 2 "CID must be 3 to 4294967294" --kernel "$k" --vsock cid=4294967295
check vsock-cid-text 2 "CID must be 3" --kernel "$k" --vsock cid=three
check vsock-twice 2 "only one vsock device" --kernel "$k" --vsock cid=3 --vsock cid=4
check transport-bad 2 "--transport virtio: must be pci or mmio" --kernel "$k" --transport virtio
check console-bad 2 "--console hvc0: must be serial or virtio" --kernel "$k" --console hvc0
check initrd-missing 1 "initrd /nonexistent/initrd: No such file" --kernel "$k" --initrd /nonexistent/initrd

# As root, drop to nobody to see the permission errors a user would.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
   command -v unshare >/dev/null && unshare --mount true 2>/dev/null; then
	chmod 755 "$W"
	cp "$k" "$W/secret"
	chmod 600 "$W/secret"
	cp "$k" "$W/kernel"
	chmod 644 "$W/kernel"
	RUN="setpriv --reuid=65534 --regid=65534 --clear-groups"
	check kernel-unreadable 1 "kernel .*/secret: Permission denied" --kernel "$W/secret"
	# A private /dev with no kvm node, and one with a root-only node.
	cat >"$W/nokvm" <<'EOS'
#!/bin/sh
mount -t tmpfs none /dev && exec "$@"
EOS
	cat >"$W/rootkvm" <<'EOS'
#!/bin/sh
mount -t tmpfs none /dev && mknod -m 600 /dev/kvm c 10 232 &&
exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
EOS
	chmod +x "$W/nokvm" "$W/rootkvm"
	RUN="unshare --mount $W/nokvm"
	check no-dev-kvm 1 "cannot open /dev/kvm: No such file or directory" --kernel "$W/kernel"
	RUN="unshare --mount $W/rootkvm"
	check kvm-permission 1 "cannot open /dev/kvm: Permission denied" --kernel "$W/kernel"
	RUN=
else
	echo "SKIP permission cases: need root, setpriv and unshare"
fi

# --help and --version succeed and print to stdout.
if "$VMM" --help | grep -q -- '--kernel FILE' && "$VMM" --version | grep -Eq '^vmm [0-9]'; then
	pass=$((pass + 1)); echo "PASS help-version"
else
	fail=$((fail + 1)); echo "FAIL help-version"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
