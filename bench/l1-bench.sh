#!/bin/sh
# Runs inside the nested machine (tests/nested/nested-run): boots the same guest on vmm and on
# QEMU, BENCH_N times each, alternating which goes first, and prints every figure as
# "RESULT <vmm|qemu> <part> <job> <metric> <value>". Settings come from /x/bench.conf.
. /x/bench.conf
K=/x/vmlinuz
I=/x/initrd.img
CMD="console=ttyS0 quiet panic=-1 bench_runtime=$RUNTIME"

# boot ENGINE PART ARGS...: one guest run of PART's jobs
boot() {
  engine=$1 part=$2
  shift 2
  run="vmm_run=\"sh /guest-bench.sh $part\""
  if [ "$engine" = vmm ]; then
    timeout 1200 /x/vmm --kernel $K --initrd $I --mem 1G --cpus 2 "$@" --cmdline "$CMD $run" \
      </dev/null >/tmp/out.txt 2>/tmp/err.txt
  else
    timeout 1200 /x/qemu-system-x86_64 -L /x/qemu-fw -M q35 -accel kvm -cpu host -smp 2 -m 1G \
      -nographic -nodefaults -serial stdio -no-reboot -kernel $K -initrd $I -append "$CMD $run" \
      "$@" </dev/null >/tmp/out.txt 2>/tmp/err.txt
  fi
  st=$?
  tr -d '\r' </tmp/out.txt | grep -E '^BENCH(-ERROR)? ' | sed "s/^BENCH /RESULT $engine /; s/^BENCH-ERROR /ERROR $engine /"
  if [ $st != 0 ] || ! grep -q '^BENCH ' /tmp/out.txt; then
    echo "ERROR $engine $part: status $st, no figures"
    tail -n 20 /tmp/out.txt /tmp/err.txt
  fi
}

blk() {
  dd if=/dev/zero of=/tmp/disk.img bs=1M count=256 2>/dev/null
  for r in $(seq "$N"); do
    # alternate the order, so neither engine always runs on a warmer machine
    if [ $((r % 2)) = 1 ]; then order="vmm qemu"; else order="qemu vmm"; fi
    for e in $order; do
      if [ $e = vmm ]; then boot vmm blk --disk /tmp/disk.img
      else boot qemu blk -drive file=/tmp/disk.img,if=none,id=d0,format=raw,aio=io_uring,cache=writeback \
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
    if [ $((r % 2)) = 1 ]; then order="vmm qemu"; else order="qemu vmm"; fi
    for e in $order; do
      if [ $e = vmm ]; then boot vmm net --net tap=bt0,queues=2
      else boot qemu net -netdev tap,id=n0,ifname=bt0,script=no,downscript=no,vhost=off,queues=2 \
             -device virtio-net-pci,netdev=n0,mq=on,vectors=6,romfile=
      fi
    done
  done
}

/x/kvm-hold &
for p in $PARTS; do
  echo "bench: part $p, $N runs per engine, $RUNTIME s per job"
  $p
done
