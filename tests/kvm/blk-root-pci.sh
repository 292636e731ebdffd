#!/bin/sh
# virtio-blk over virtio-pci: Debian's kernel boots with root=/dev/vda on an ext4 image made with
# mke2fs -d, the guest writes a file, syncs and powers off; on the host e2fsck -fn is clean and
# debugfs shows the content the guest wrote (and the content made on the host was readable).
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"
# shellcheck source-path=SCRIPTDIR source=lib/rootfs.sh
. "$(dirname "$0")/lib/rootfs.sh"

img=$WORK/root.img
mkroot "$img" 64 || fail "mke2fs -d failed"
run_vmm --transport pci --disk "$img" \
  --cmdline "$(run_cmdline 'cat /data/hello.txt; echo written-by-guest-pci > /data/guest.txt; sync' 'root=/dev/vda rw')"
expect_status 0 "guest powered off"
expect_console '^VMM-ROOT-READY /dev/vda ext4 rw' "root mounted from /dev/vda"
expect_console '^content made on the host$' "a file from the image"
expect_console '^VMM-RUN-EXIT 0$' "the command's success"
if "$E2FSCK" -fn "$img" >"$WORK/fsck.log" 2>&1; then ok "e2fsck -fn is clean"
else sed 's/^/  | /' "$WORK/fsck.log"; fail "e2fsck -fn found problems"; fi
got=$("$DEBUGFS" -R 'cat /data/guest.txt' "$img" 2>/dev/null)
expect_eq "$got" "written-by-guest-pci" "debugfs cat /data/guest.txt"
pass
