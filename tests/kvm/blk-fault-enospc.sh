#!/bin/sh
# A disk image on a full filesystem (Debian's kernel): a sparse 64 MiB ext4 image sits on a 24 MiB
# tmpfs. The guest mounts it, writes and syncs a 1 MiB file, then writes 40 MiB more with fsync:
# the host's filesystem fills up, vmm gets ENOSPC, and the guest must see I/O errors (dd fails,
# the kernel logs them). vmm logs the host's errors (bounded) and carries on; the guest reads its
# flushed file back unchanged, unmounts and powers off. On the host, with room again, the flushed
# file is in the image, byte for byte, once the journal is replayed as the next mount would.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"
# shellcheck source-path=SCRIPTDIR source=lib/rootfs.sh
. "$(dirname "$0")/lib/rootfs.sh"

small=$WORK/small
mkdir -p "$small"
mount -t tmpfs -o size=24m tmpfs "$small" || fail "mounting a 24 MiB tmpfs (needs root)"
cleanup() { umount "$small" 2>/dev/null; }
trap cleanup EXIT
img=$small/data.img
"$MKE2FS" -q -t ext4 "$img" 64M || fail "mke2fs $img"
ok "a sparse 64 MiB ext4 image on a 24 MiB tmpfs ($(df -k "$small" | awk 'NR == 2 {print $4}') KiB free)"

ov=$WORK/overlay
mkdir -p "$ov"
cat >"$ov/enospc.sh" <<'EOS'
#!/bin/sh
mkdir -p /mnt
mount -t ext4 /dev/vda /mnt || exit 3
dd if=/dev/urandom of=/mnt/keep bs=64k count=16 2>/dev/null && sync
echo "VMM-KEEP $(sha256sum </mnt/keep | cut -c1-64)"
dd if=/dev/zero of=/mnt/big bs=1M count=40 conv=fsync 2>/dev/null
echo "VMM-FILL-STATUS $?"
sync
echo "VMM-KERNEL-IOERR $(dmesg | grep -c 'I/O error')"
echo 3 >/proc/sys/vm/drop_caches
echo "VMM-KEEP-AGAIN $(sha256sum </mnt/keep | cut -c1-64)"
umount /mnt 2>/dev/null || umount -f /mnt 2>/dev/null
exit 0
EOS
initrd_plus "$ov" "$WORK/initrd.img"

run_vmm --initrd "$WORK/initrd.img" --mem 256M --disk "$img" --cmdline "$(run_cmdline 'sh /enospc.sh')"
expect_status 0 "the guest powered off"
keep=$(sed -n 's/^VMM-KEEP \([0-9a-f]\{64\}\)$/\1/p' "$CONSOLE")
[ -n "$keep" ] || fail "the guest did not write its file"
ok "the guest wrote and synced /keep (sha256 $keep)"
st=$(sed -n 's/^VMM-FILL-STATUS \([0-9]*\)$/\1/p' "$CONSOLE")
[ -n "$st" ] && [ "$st" != 0 ] && ok "writing past the host's free space failed in the guest (dd status $st)" \
  || fail "dd status '$st': the guest did not see the host's full filesystem"
n=$(sed -n 's/^VMM-KERNEL-IOERR \([0-9]*\)$/\1/p' "$CONSOLE")
[ "${n:-0}" -gt 0 ] && ok "the guest kernel logged $n I/O errors" || fail "the guest kernel logged no I/O error"
again=$(sed -n 's/^VMM-KEEP-AGAIN \([0-9a-f]\{64\}\)$/\1/p' "$CONSOLE")
expect_eq "$again" "$keep" "the guest's sha256 of /keep read back after the errors"
expect_console '^VMM-RUN-EXIT 0$' "the guest's script done"
expect_host_errors 'write .* failed: No space left on device' "the host's ENOSPC"

mount -o remount,size=128m "$small" || fail "growing the tmpfs back"
# What the guest's sync committed may still be only in the journal (the fs aborted it after the
# errors): replay it as the next mount would, then read the file.
"$E2FSCK" -E journal_only -y "$img" >"$WORK/replay.log" 2>&1
_st=$?
[ $_st -le 1 ] && ok "journal replayed (e2fsck -E journal_only, status $_st)" \
  || { sed 's/^/  | /' "$WORK/replay.log"; fail "replaying the journal: e2fsck status $_st"; }
got=$("$DEBUGFS" -R 'cat /keep' "$img" 2>/dev/null | sha256sum | cut -c1-64)
expect_eq "$got" "$keep" "sha256 of /keep in the image (debugfs), what the guest flushed"
pass
