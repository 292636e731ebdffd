#!/bin/sh
# Runs inside the nested machine (tests/nested/nested-run): boots the same guest on vmm and on
# QEMU, BENCH_N times each, rotating which goes first, and prints every figure as
# "RESULT <engine> <part> <job> <metric> <value>" (engines: vmm, microvm and q35, QEMU's two
# machines). vmm's metrics after a boot come as "METRICS <job> <json>". Settings come from
# /x/bench.conf.
. /x/bench.conf
K=/x/vmlinuz
I=/x/initrd.img
G=/x/guests
CMD="console=ttyS0 quiet panic=-1 bench_runtime=$RUNTIME"

# order R ENGINES...: the engines rotated by run number R, so none always goes first
order() {
  r=$1
  shift
  n=$#
  i=0
  while [ $i -lt $n ]; do
    k=$(( (i + r) % n + 1 ))
    eval "printf '%s ' \"\${$k}\""
    i=$((i + 1))
  done
}

# QEMU with KVM and what both of its machines share: $QEMU -M MACHINE ...
QEMU="/x/qemu-system-x86_64 -L /x/qemu-fw -accel kvm -cpu host -m 1G -nographic -nodefaults \
  -serial stdio -no-reboot -kernel $K -initrd $I"

# boot ENGINE PART ARGS...: one guest run of PART's jobs (blk, net)
boot() {
  engine=$1 part=$2
  shift 2
  run="vmm_run=\"sh /guest-bench.sh $part\""
  if [ "$engine" = vmm ]; then
    timeout 1200 /x/vmm --kernel $K --initrd $I --mem 1G --cpus 2 "$@" --cmdline "$CMD $run" \
      </dev/null >/tmp/out.txt 2>/tmp/err.txt
  else
    timeout 1200 $QEMU -M q35 -smp 2 -append "$CMD $run" "$@" </dev/null >/tmp/out.txt 2>/tmp/err.txt
  fi
  st=$?
  tr -d '\r' </tmp/out.txt | grep -E '^BENCH(-ERROR)? ' | sed "s/^BENCH /RESULT $engine /; s/^BENCH-ERROR /ERROR $engine /"
  if [ $st != 0 ] || ! grep -q '^BENCH ' /tmp/out.txt; then
    echo "ERROR $engine $part: status $st, no figures"
    tail -n 20 /tmp/out.txt /tmp/err.txt
  fi
  if [ "$engine" = vmm ] && [ -s /tmp/metrics.json ]; then
    echo "METRICS $part $(cat /tmp/metrics.json)"
    rm -f /tmp/metrics.json
  fi
}

# clock ENGINE CPUS: one boot to init and poweroff, timed and weighed by bootclock. The guest
# prints "vmm-guest: init" first thing in /init and "VMM-GUEST-READY" once the kit is up, then
# waits for a line on its console (bootclock weighs the VMM meanwhile) and powers off.
clock() {
  engine=$1 cpus=$2
  cmd="console=ttyS0 panic=-1 vmm_run=\"read x\""
  case $engine in
    vmm) set -- /x/vmm --kernel $K --initrd $I --mem 1G --cpus "$cpus" --metrics /tmp/metrics.json \
           --cmdline "$cmd" ;;
    microvm|q35) set -- $QEMU -M "$engine" -smp "$cpus" -append "$cmd" ;;
  esac
  if /x/bootclock -t 300 -m 1024 -- "$@" >/tmp/clock.txt 2>/tmp/clock.err; then
    sed "s/^/RESULT $engine boot ${cpus}cpu /" /tmp/clock.txt
  else
    echo "ERROR $engine boot ${cpus}cpu: $(tail -n 3 /tmp/clock.err | tr '\n' ' ')"
  fi
  if [ "$engine" = vmm ] && [ -s /tmp/metrics.json ]; then
    echo "METRICS boot-${cpus}cpu $(cat /tmp/metrics.json)"
  fi
  rm -f /tmp/metrics.json
}

# Boot: Debian's kernel (not quiet: its console output is part of what a boot costs) with the
# guest kit, 1 and 2 vCPUs, 1 GiB, on vmm and on QEMU's microvm and q35.
boot_part() {
  for r in $(seq "$N"); do
    for cpus in 1 2; do
      for e in $(order "$r" vmm microvm q35); do clock "$e" "$cpus"; done
    done
  done
}

# Setup cost: the tiny guest (exit8.elf), vmm only. Process start to the first vCPU entry, from
# --timings; then VMs created, run to their exit and destroyed per second, through libvmm and
# through the CLI, RUNTIME seconds each.
setup_part() {
  for r in $(seq "$N"); do
    /x/vmm --kernel $G/exit8.elf --mem 16M --no-rng --timings </dev/null >/dev/null 2>/tmp/t.txt
    st=$?
    line=$(grep '^vmm: timings' /tmp/t.txt)
    if [ $st = 42 ] && [ -n "$line" ]; then
      for p in vm_ready first_vcpu_entry; do
        echo "RESULT vmm setup tiny ${p}_ms $(echo "$line" | sed -n "s/.* $p \([0-9.]*\).*/\1/p")"
      done
    else
      echo "ERROR vmm setup tiny: status $st: $(cat /tmp/t.txt)"
    fi
    for via in lib cli; do
      if /x/vmm-vmrate $via $G/exit8.elf "$RUNTIME" /x/vmm >/tmp/rate.txt 2>&1; then
        sed "s/^/RESULT vmm setup cycle-$via /" /tmp/rate.txt
      else
        echo "ERROR vmm setup cycle-$via: $(tail -n 2 /tmp/rate.txt | tr '\n' ' ')"
      fi
    done
  done
}

blk() {
  dd if=/dev/zero of=/tmp/disk.img bs=1M count=256 2>/dev/null
  for r in $(seq "$N"); do
    for e in $(order "$r" vmm q35); do
      if [ $e = vmm ]; then boot vmm blk --disk /tmp/disk.img --metrics /tmp/metrics.json
      else boot q35 blk -drive file=/tmp/disk.img,if=none,id=d0,format=raw,aio=io_uring,cache=writeback \
             -device virtio-blk-pci,drive=d0,num-queues=2
      fi
    done
  done
  rm -f /tmp/disk.img
}

net() {
  /x/ip tuntap add dev bt0 mode tap multi_queue
  /x/ip addr add 10.0.9.1/24 dev bt0
  /x/ip link set bt0 up
  /x/iperf3 -s -D -B 10.0.9.1 >/dev/null 2>&1
  for r in $(seq "$N"); do
    for e in $(order "$r" vmm q35); do
      if [ $e = vmm ]; then boot vmm net --net tap=bt0,queues=2 --metrics /tmp/metrics.json
      else boot q35 net -netdev tap,id=n0,ifname=bt0,script=no,downscript=no,vhost=off,queues=2 \
             -device virtio-net-pci,netdev=n0,mq=on,vectors=6,romfile=
      fi
    done
  done
}

/x/kvm-hold &
for p in $PARTS; do
  echo "bench: part $p, $N runs per engine, $RUNTIME s per job"
  case $p in
    boot) boot_part ;;
    setup) setup_part ;;
    *) $p ;;
  esac
done
