# shellcheck shell=sh
# Sourced by blk-fault-sigterm.sh and blk-fault-sigkill.sh (after lib/boot.sh and lib/rootfs.sh):
# kill_during_writes SIGNAL STATUS: boots Debian's kernel with its root on a 128 MiB ext4 image;
# the guest overwrites a 16 MiB file without pause (heavy writes, never flushed on purpose) and
# meanwhile writes 512 KiB files one by one, printing "VMM-FLUSHED fN <sha256>" after each `sync`
# returns. Once 5 files are flushed, the host sends SIGNAL to vmm, which must end with STATUS.
# Then the image is checked as the next boot would see it: the journal is replayed
# (e2fsck -E journal_only, what mounting does first), after which `e2fsck -fn` must be clean and
# every file the guest flushed must be in the image with the sha256 the guest printed.
kill_during_writes() {
  _sig=$1 _want=$2
  img=$WORK/root.img
  mkroot "$img" 128 || fail "mke2fs -d failed"
  # overwrite in place (conv=notrunc): writes without end, but no truncation or unlink that would
  # leave orphan inodes for the next mount to finish
  run='dd if=/dev/zero of=/data/bulk bs=64k count=256 2>/dev/null; '
  run=$run'(while :; do dd if=/dev/zero of=/data/bulk bs=64k count=256 conv=notrunc 2>/dev/null; done) & '
  run=$run'i=0; while [ $i -lt 100 ]; do i=$((i + 1)); '
  run=$run'dd if=/dev/urandom of=/data/f$i bs=64k count=8 2>/dev/null; sync; '
  run=$run'echo VMM-FLUSHED f$i $(sha256sum </data/f$i | cut -c1-64); done; sleep 1000'
  start_vmm --mem 256M --cpus 2 --disk "$img" --cmdline "$(run_cmdline "$run" 'root=/dev/vda rw')"
  wait_console '^VMM-FLUSHED f[0-9]+ [0-9a-f]{64}$' 5 \
    || { wait_vmm; fail "the guest never flushed 5 files"; }
  # shellcheck disable=SC2154 # vpid: set by start_vmm (lib/boot.sh)
  kill -"$_sig" "$vpid"
  ok "sent SIG$_sig to vmm after $(grep -cE '^VMM-FLUSHED f[0-9]+ [0-9a-f]{64}$' "$CONSOLE") flushed files, under heavy writes"
  wait_vmm
  expect_status "$_want" "vmm ended by SIG$_sig"
  if grep -q 'failed' "$VMMERR"; then sed 's/^/  | /' "$VMMERR"; fail "vmm logged a failure"; fi

  "$E2FSCK" -E journal_only -y "$img" >"$WORK/replay.log" 2>&1
  _st=$?
  [ $_st -le 1 ] && ok "journal replayed (e2fsck -E journal_only, status $_st)" \
    || { sed 's/^/  | /' "$WORK/replay.log"; fail "replaying the journal: e2fsck status $_st"; }
  if "$E2FSCK" -fn "$img" >"$WORK/fsck.log" 2>&1; then ok "e2fsck -fn is clean"
  else sed 's/^/  | /' "$WORK/fsck.log"; fail "e2fsck -fn found problems"; fi
  _n=0
  grep -E '^VMM-FLUSHED f[0-9]+ [0-9a-f]{64}$' "$CONSOLE" >"$WORK/flushed.txt"
  while read -r _ _f _sum; do
    _got=$("$DEBUGFS" -R "cat /data/$_f" "$img" 2>/dev/null | sha256sum | cut -c1-64)
    [ "$_got" = "$_sum" ] || fail "/data/$_f: sha256 $_got in the image, the guest flushed $_sum"
    _n=$((_n + 1))
  done <"$WORK/flushed.txt"
  ok "all $_n files the guest flushed are in the image, byte for byte"
}
