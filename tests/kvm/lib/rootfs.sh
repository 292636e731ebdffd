# shellcheck shell=sh
# Sourced by the disk tests: make an ext4 root filesystem image with `mke2fs -d` from a tiny
# busybox tree whose /sbin/init prints VMM-ROOT-READY, runs $vmm_run, syncs and powers off.
# e2fsprogs' tools, not busybox's applets of the same name: in the nested machine they are
# copied to /x/.
e2tool() { if [ -x "/x/$1" ]; then echo "/x/$1"; else command -v "$1"; fi; }
MKE2FS=$(e2tool mke2fs)
E2FSCK=$(e2tool e2fsck)
DEBUGFS=$(e2tool debugfs)

# mkroot IMAGE [SIZE_MB]
mkroot() {
  _img=$1 _size=${2:-64}
  _d=$WORK/rootfs.d
  rm -rf "$_d"
  mkdir -p "$_d/bin" "$_d/sbin" "$_d/proc" "$_d/sys" "$_d/dev" "$_d/tmp" "$_d/data"
  cp /bin/busybox "$_d/bin/busybox"
  for _a in sh mount umount sync poweroff cat echo ls dd sha256sum grep sed awk head wc \
            mkdir rm touch sleep uname dmesg tr od hexdump cut; do
    ln -s busybox "$_d/bin/$_a"
  done
  echo "content made on the host" >"$_d/data/hello.txt"
  cat >"$_d/sbin/init" <<'EOI'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "VMM-ROOT-READY $(awk '$2 == "/" {print $1, $3, $4}' /proc/mounts | tail -n1)"
if [ -n "${vmm_run:-}" ]; then
  sh -c "$vmm_run"
  echo "VMM-RUN-EXIT $?"
fi
sync
poweroff -f
EOI
  chmod 755 "$_d/sbin/init"
  rm -f "$_img"
  "$MKE2FS" -q -t ext4 -d "$_d" "$_img" "${_size}M" || return 1
  rm -rf "$_d"
}
