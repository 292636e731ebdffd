#!/bin/sh
# A disk that starts failing under a running guest (Debian's kernel): the disk is a device-mapper
# device over a loop device; once the guest has read it, the host swaps its table for the `error`
# target. The guest must see I/O errors on reads and on a flushed write, vmm must log the host's
# errors (a bounded number of lines) and keep serving: the second disk still reads, and once the
# host puts the good table back the same disk reads again. The guest then powers off cleanly.
# Needs the loop and dm-mod modules and dmsetup (the nested machine has them).
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

DMSETUP=$(if [ -x /x/dmsetup ]; then echo /x/dmsetup; else command -v dmsetup; fi)
[ -n "$DMSETUP" ] || fail "dmsetup is needed (Debian package dmsetup)"
modprobe loop 2>/dev/null; modprobe dm_mod 2>/dev/null
grep -q device-mapper /proc/misc 2>/dev/null || fail "no device-mapper in this kernel (load dm-mod)"

name=vmmfault$$
loopdev=
cleanup() {
  "$DMSETUP" remove --noudevsync "$name" 2>/dev/null
  [ -z "$loopdev" ] || losetup -d "$loopdev" 2>/dev/null
}
trap cleanup EXIT

# 32 MiB of 'A' behind the failing disk, 1 MiB of 'B' on the healthy one
img=$WORK/bad.img
head -c 33554432 /dev/zero | tr '\0' A >"$img" || fail "making $img"
head -c 1048576 /dev/zero | tr '\0' B >"$WORK/good.img" || fail "making good.img"
loopdev=$(losetup -f) && losetup "$loopdev" "$img" || fail "losetup $img"
sectors=65536
linear="0 $sectors linear $loopdev 0"
"$DMSETUP" create --noudevsync "$name" --table "$linear" || fail "dmsetup create $name"
minor=$("$DMSETUP" info -c --noheadings -o minor "$name" | tr -d ' ')
dev=/dev/mapper/$name
[ -b "$dev" ] || dev=/dev/dm-$minor
[ -b "$dev" ] || fail "no block device node for $name"
ok "$dev: a linear device-mapper table over $loopdev"

# swap TABLE: load a new table into the live device; then drop this machine's page cache of it, so
# what vmm reads next really goes to the table
swap() {
  "$DMSETUP" suspend --noudevsync "$name" && "$DMSETUP" load "$name" --table "$1" \
    && "$DMSETUP" resume --noudevsync "$name" || fail "dmsetup: loading '$1'"
  blockdev --flushbufs "$dev" 2>/dev/null
}

ov=$WORK/overlay
mkdir -p "$ov"
cat >"$ov/fault.sh" <<'EOS'
#!/bin/sh
# Reads go through the guest's page cache: drop it, and read a new block each time.
rd() { echo 3 >/proc/sys/vm/drop_caches; dd if="$1" bs=4096 count=1 skip="$2" 2>/dev/null | head -c 4; }
[ "$(rd /dev/vda 0)" = AAAA ] && echo "VMM-FAULT-READ-OK"
echo "VMM-FAULT-READY"
i=1
while [ $i -lt 2000 ]; do
  echo 3 >/proc/sys/vm/drop_caches
  if ! dd if=/dev/vda of=/dev/null bs=4096 count=1 skip=$(( (i * 37) % 8192 )) 2>/dev/null; then
    echo "VMM-FAULT-READ-EIO"; break
  fi
  sleep 0.2; i=$((i + 1))
done
dd if=/dev/zero of=/dev/vda bs=4096 count=1 seek=100 conv=fsync 2>/dev/null || echo "VMM-FAULT-WRITE-EIO"
[ "$(rd /dev/vdb 3)" = BBBB ] && echo "VMM-FAULT-OTHER-DISK-OK"
echo "VMM-FAULT-KERNEL-IOERR $(dmesg | grep -c 'I/O error, dev vda')"
echo "VMM-FAULT-WAIT-HEAL"
i=1
while [ $i -lt 2000 ]; do
  [ "$(rd /dev/vda $(( (i * 53) % 8192 )))" = AAAA ] && { echo "VMM-FAULT-HEALED"; break; }
  sleep 0.2; i=$((i + 1))
done
EOS
initrd_plus "$ov" "$WORK/initrd.img"
INITRD=$WORK/initrd.img

start_vmm --mem 256M --disk "$dev" --disk "$WORK/good.img" --cmdline "$(run_cmdline 'sh /fault.sh')"
wait_console '^VMM-FAULT-READY$' || { wait_vmm; fail "the guest never got to read its disk"; }
swap "0 $sectors error"
ok "the disk fails from now on (table: error)"
wait_console '^VMM-FAULT-WAIT-HEAL$' || { wait_vmm; fail "the guest never finished its failing I/O"; }
swap "$linear"
ok "the disk works again (table: linear)"
wait_console '^VMM-RUN-EXIT ' || true
wait_vmm
expect_status 0 "the guest powered off"
expect_console '^VMM-FAULT-READ-OK$' "reads before the fault"
expect_console '^VMM-FAULT-READ-EIO$' "a read that failed"
expect_console '^VMM-FAULT-WRITE-EIO$' "a flushed write that failed"
expect_console '^VMM-FAULT-OTHER-DISK-OK$' "the other disk still served"
n=$(sed -n 's/^VMM-FAULT-KERNEL-IOERR \([0-9]*\)$/\1/p' "$CONSOLE")
[ "${n:-0}" -gt 0 ] && ok "the guest kernel logged $n I/O errors on vda" || fail "the guest kernel logged no I/O error"
expect_console '^VMM-FAULT-HEALED$' "the same disk reading again once the host healed"
expect_console '^VMM-RUN-EXIT 0$' "the guest's script done"
expect_host_errors '.* failed: Input/output error; the guest gets an I/O error' "the host's I/O errors"
pass
