#!/bin/bash
# guest/mkguest.sh — the guest kit: builds vmm's default Linux guest from Debian packages alone.
#
# usage: guest/mkguest.sh [-f|--force] [OUTDIR]      (OUTDIR defaults to build/guest/ in the repo)
#
# Produces in OUTDIR:
#   vmlinuz             the stock bzImage of the newest installed /boot/vmlinuz-* (linux-image-amd64)
#   initramfs.cpio.gz   a small busybox-static initramfs (see its /init below)
#   modules.txt         the modules packed, in load order
#   .stamp              what the outputs were built from; an unchanged stamp skips the rebuild
#
# The guest's /init:
#   - prints "vmm-guest: init" (when init started, for bench/bootclock);
#   - mounts proc, sysfs, devtmpfs, devpts, tmpfs (/tmp, /run), and writes to port 0xf8, vmm's
#     "boot done" marker for its timings (a harmless write on other VMMs);
#   - insmods, in dependency order, virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
#     virtio_pci virtio_mmio virtio_blk virtio_console virtio_rng virtio_net (+failover, net_failover),
#     pvpanic-mmio (+pvpanic), the virtio vsock transport (vsock, vmw_vsock_virtio_transport*),
#     evdev and button (the ACPI power button), skipping quietly the ones this kernel lacks or
#     has built in, then
#     prints "vmm-guest: modules: <what loaded>";
#   - starts busybox acpid, so the ACPI power button powers the guest off;
#   - prints the ready marker line "VMM-GUEST-READY";
#   - if the kernel command line has vmm_run="COMMAND" (an unknown param=value without a dot reaches
#     init as an environment variable; the kernel strips the quotes, so COMMAND can't hold a '"'),
#     runs `sh -c COMMAND`, prints "VMM-RUN-EXIT <status>" and does `poweroff -f`;
#   - otherwise gives an interactive shell on the console (setsid cttyhack sh, prompt "vmm-guest# ")
#     and does `poweroff -f` when it exits.
#
# Env: KV=<version> picks a kernel other than the newest in /boot.
# Installs its Debian dependencies (linux-image-amd64 busybox-static cpio) with apt-get if missing.
set -euo pipefail

force=0
case "${1:-}" in -f|--force) force=1; shift ;; -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
[ $# -le 1 ] || { echo "usage: $0 [-f] [OUTDIR]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../build/guest}
mkdir -p "$out"; out=$(cd "$out" && pwd)

need=()
for p in linux-image-amd64 busybox-static cpio; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "mkguest: installing ${need[*]}" >&2
  [ "$(id -u)" = 0 ] || { echo "mkguest: need root to apt-get install ${need[*]}" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -z "${KV:-}" ]; then
  KV=$(find /boot -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n1)
fi
kernel=/boot/vmlinuz-$KV
moddir=/lib/modules/$KV
[ -r "$kernel" ] || { echo "mkguest: no readable kernel $kernel" >&2; exit 1; }
[ -r "$moddir/modules.dep" ] || { echo "mkguest: no $moddir/modules.dep" >&2; exit 1; }
busybox=/bin/busybox
# busybox-static's binary; a dynamic busybox (package busybox) could not run in the guest
! ldd "$busybox" >/dev/null 2>&1 \
  || { echo "mkguest: $busybox is not static (install busybox-static)" >&2; exit 1; }

# Wanted modules, in the order asked for; dependencies are put in front of their users.
wanted=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_mmio
        virtio_blk virtio_console virtio_rng failover net_failover virtio_net pvpanic pvpanic-mmio
        vsock vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport crc32c_generic ext4
        evdev button)

# module name -> path relative to $moddir (from modules.dep); empty if not a loadable module
declare -A path_of deps_of
while IFS= read -r line; do
  p=${line%%:*}; d=${line#*:}
  n=${p##*/}; n=${n%%.ko*}; n=${n//-/_}
  path_of[$n]=$p; deps_of[$n]=$d
done <"$moddir/modules.dep"

order=(); declare -A seen
visit() {
  local n=${1//-/_}
  [ -n "${seen[$n]:-}" ] && return 0
  seen[$n]=1
  [ -n "${path_of[$n]:-}" ] || return 0          # built in or absent: nothing to load
  local d
  for d in ${deps_of[$n]}; do d=${d##*/}; visit "${d%%.ko*}"; done
  order+=("$n")
}
for m in "${wanted[@]}"; do visit "$m"; done

stamp=$( {
  sha256sum "$0"
  echo "$KV"; stat -c '%s %Y' "$kernel" "$busybox"
  for n in "${order[@]}"; do stat -c '%n %s %Y' "$moddir/${path_of[$n]}"; done
} | sha256sum | cut -d' ' -f1)
if [ $force = 0 ] && [ -s "$out/vmlinuz" ] && [ -s "$out/initramfs.cpio.gz" ] \
   && [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "mkguest: $out is up to date (kernel $KV)"
  exit 0
fi

w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
r=$w/root
mkdir -p "$r"/{bin,dev,proc,sys,tmp,run,root,etc,lib/modules,mnt,usr}
ln -s bin "$r/sbin"; ln -s ../bin "$r/usr/bin"; ln -s ../bin "$r/usr/sbin"
cp "$busybox" "$r/bin/busybox"
for a in $("$r/bin/busybox" --list); do
  [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"        # never link busybox onto itself
done
# /dev/console so that init has a console even before devtmpfs is mounted (the kernel's
# built-in initramfs normally provides it too)
if [ "$(id -u)" = 0 ]; then mknod -m 600 "$r/dev/console" c 5 1 2>/dev/null || true; fi

: >"$r/lib/modules/load.list"
for n in "${order[@]}"; do
  src=$moddir/${path_of[$n]}
  case "$src" in
    *.ko)     cp "$src" "$r/lib/modules/$n.ko" ;;
    *.ko.xz)  xz -dc "$src" >"$r/lib/modules/$n.ko" ;;
    *.ko.zst) zstd -qdc "$src" >"$r/lib/modules/$n.ko" ;;
    *.ko.gz)  gzip -dc "$src" >"$r/lib/modules/$n.ko" ;;
    *) echo "mkguest: unknown module format $src" >&2; exit 1 ;;
  esac
  echo "$n" >>"$r/lib/modules/load.list"
done

cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
EOF
cat >"$r/etc/group" <<'EOF'
root:x:0:
EOF

cat >"$r/init" <<'EOF'
#!/bin/sh
# vmm guest kit init (made by guest/mkguest.sh)
export PATH=/bin HOME=/root
# the moment init starts, for boot-time benchmarks (bench/bootclock)
echo "vmm-guest: init"
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# "boot done" for vmm's timings (port 0xf8); elsewhere a harmless write
printf '\001' | dd of=/dev/port bs=1 seek=248 count=1 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
hostname vmm-guest

loaded=
failed=
for m in $(cat /lib/modules/load.list); do
  [ -f "/lib/modules/$m.ko" ] || continue
  if insmod "/lib/modules/$m.ko" 2>/dev/null; then loaded="$loaded $m"; else failed="$failed $m"; fi
done
# With console=hvc0 the console only exists now that virtio_console is
# loaded: the kernel could not give init one, so open it ourselves.
if [ -c /dev/console ] && { : >/dev/console; } 2>/dev/null; then
  exec </dev/console >/dev/console 2>&1
fi
echo "vmm-guest: modules:${loaded:- none}"
[ -z "$failed" ] || echo "vmm-guest: modules that failed to load:$failed"

# The ACPI power button (vmm_shutdown, `vmm ctl SOCKET shutdown`) powers
# off, as systemd-logind would: busybox acpid runs /etc/acpi/PWRF/00000080.
mkdir -p /etc/acpi/PWRF
printf '#!/bin/sh\necho "vmm-guest: power button: powering off"\nsync\npoweroff -f\n' \
  >/etc/acpi/PWRF/00000080
chmod 755 /etc/acpi/PWRF/00000080
acpid -c /etc/acpi -l /dev/null 2>/dev/null

die() {
  sync
  poweroff -f
  echo o >/proc/sysrq-trigger
  while :; do sleep 3600; done     # init must never exit
}

# root=/dev/X on the kernel command line: mount it (ro unless "rw") and
# switch to it; its /sbin/init takes over (vmm_run stays in the environment).
root=$(sed -n 's/.*\(^\| \)root=\([^ ]*\).*/\2/p' /proc/cmdline)
if [ -n "$root" ]; then
  for _ in $(seq 100); do [ -b "$root" ] && break; sleep 0.1; done
  mode=ro
  grep -qw rw /proc/cmdline && mode=rw
  mkdir -p /newroot
  if mount -t ext4 -o "$mode" "$root" /newroot; then
    echo "vmm-guest: root $root mounted $mode"
    umount /dev/pts 2>/dev/null
    mount --move /dev /newroot/dev 2>/dev/null || true
    umount /proc /sys /tmp /run 2>/dev/null
    exec switch_root /newroot /sbin/init
  fi
  echo "vmm-guest: cannot mount root $root"
  die
fi

echo VMM-GUEST-READY
if [ -n "${vmm_run:-}" ]; then
  cmd=$vmm_run
  unset vmm_run
  cd /root
  sh -c "$cmd"
  st=$?
  echo "VMM-RUN-EXIT $st"
  die
fi
export PS1='vmm-guest# '
cd /root
setsid cttyhack sh
die
EOF
chmod 755 "$r/init"

(cd "$r" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) \
  | gzip -9 -n >"$w/initramfs.cpio.gz"
cp "$kernel" "$w/vmlinuz"
mv -f "$w/vmlinuz" "$out/vmlinuz"
mv -f "$w/initramfs.cpio.gz" "$out/initramfs.cpio.gz"
printf '%s\n' "${order[@]}" >"$out/modules.txt"
echo "$stamp" >"$out/.stamp"
echo "mkguest: built $out/vmlinuz and $out/initramfs.cpio.gz (kernel $KV; $(du -k "$out/initramfs.cpio.gz" | cut -f1) KiB; modules: ${order[*]})"
