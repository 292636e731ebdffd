#!/bin/sh
# Two virtio-blk disks appear as vda and vdb; the second is read-only (--disk ...,ro): the guest
# sees it as read-only, a raw write to it fails with an I/O error, and its bytes are unchanged.
# With 2 vCPUs each disk has 2 queues; vdb's serial (GET_ID) is the id= given; a discard on vda
# works.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

a=$WORK/a.img b=$WORK/b.img
head -c $((8 * 1024 * 1024)) /dev/zero >"$a"
printf 'disk-b-original-bytes' | dd of="$b" bs=1M count=0 seek=4 2>/dev/null
printf 'disk-b-original-bytes' | dd of="$b" conv=notrunc 2>/dev/null
before=$(sha256sum "$b" | cut -d' ' -f1)
# shellcheck disable=SC2016 # expanded by the guest's shell
cmd='echo VDA=$(cat /sys/block/vda/size) VDB=$(cat /sys/block/vdb/size) RO=$(cat /sys/block/vdb/ro); head -c 21 /dev/vdb; echo; if echo x | dd of=/dev/vdb bs=512 count=1 conv=fsync oflag=direct 2>/dev/null; then echo WRITE-OK; else echo WRITE-REFUSED; fi; echo hi | dd of=/dev/vda bs=512 count=1 conv=fsync 2>/dev/null && echo VDA-WRITE-OK; echo QUEUES=$(ls /sys/block/vda/mq | wc -l) SERIAL=$(cat /sys/block/vdb/serial); blkdiscard -o 1048576 -l 1048576 /dev/vda && echo DISCARD-OK'
run_vmm --cpus 2 --disk "$a" --disk "$b,ro,id=disk-b" --cmdline "$(run_cmdline "$cmd")"
expect_status 0 "guest powered off"
expect_console '^VMM-RUN-EXIT 0$' "the command's success"
expect_eq "$(console_value VDA)" 16384 "vda size in sectors"
expect_eq "$(console_value VDB)" 8192 "vdb size in sectors"
expect_eq "$(console_value RO)" 1 "vdb read-only flag"
expect_console '^disk-b-original-bytes$' "vdb's content"
expect_console '^WRITE-REFUSED$' "a refused write to vdb"
expect_console '^VDA-WRITE-OK$' "a write to vda"
expect_eq "$(console_value QUEUES)" 2 "vda's queues with 2 vCPUs"
expect_console 'SERIAL=disk-b$' "vdb's serial"
expect_console '^DISCARD-OK$' "a discard on vda"
expect_eq "$(sha256sum "$b" | cut -d' ' -f1)" "$before" "vdb's sha256 after the run"
expect_eq "$(head -c 2 "$a")" "hi" "vda's first bytes"
pass
