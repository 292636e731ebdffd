#!/bin/sh
# Tiny Multiboot v1 kernel: entered with EAX=0x2BADB002 and EBX=multiboot_info, it prints its
# command line ("KERNELPATH ARGS"), the boot loader name, module 0's string ("PATH ARGS") and first
# bytes, and exits with 42 only if the module starts with its magic and is page-aligned; with a module
# lacking the magic it must exit with 20 (its "bad module data" code).
W=${WORK:-/tmp}/multiboot.$$
mkdir -p "$W"
printf 'MBMOD42!and the rest of the module\n' >"$W/mod.bin"
out=$(WORK=$W "$(dirname "$0")/../guests/expect-status" 42 'mboot: data=MBMOD42!' \
	--kernel "$GUESTS/mboot.elf" --module "$W/mod.bin,modargs one,two" \
	--cmdline "hello multiboot" --mem 64M)
st=$?
echo "$out"
ok=$st
for want in "mboot: cmdline=$GUESTS/mboot.elf hello multiboot" "mboot: loader=vmm" \
	    "mboot: module=$W/mod.bin modargs one,two"; do
	printf '%s\n' "$out" | grep -qF "| $want" || { echo "console lacks: $want"; ok=1; }
done
printf 'NOTMAGIC\n' >"$W/bad.bin"
WORK=$W "$(dirname "$0")/../guests/expect-status" 20 'mboot: data=NOTMAGIC' \
	--kernel "$GUESTS/mboot.elf" --module "$W/bad.bin" --mem 64M || ok=1
rm -rf "$W"
[ $ok -eq 0 ] && echo "Multiboot command line, loader name and module seen by the guest"
exit $ok
