#!/bin/sh
# Runs inside the guest (vmm's or QEMU's, the same kernel and initramfs): the guest half of
# bench/run. Prints one line per figure: "BENCH <part> <job> <metric> <value>".
#   guest-bench.sh blk      fio on /dev/vda
#   guest-bench.sh net      iperf3 against 10.0.9.1 through eth0
part=$1
RUNTIME=${bench_runtime:-5}

blk() {
  # name rw bs iodepth
  for spec in "randread-qd1 randread 4k 1" "randwrite-qd1 randwrite 4k 1" \
              "randread-qd32 randread 4k 32" "randwrite-qd32 randwrite 4k 32" \
              "seqread-128k read 128k 16"; do
    set -- $spec
    out=$(/usr/bin/fio --name="$1" --filename=/dev/vda --direct=1 --ioengine=libaio --rw="$2" --bs="$3" \
              --iodepth="$4" --size=200M --time_based --runtime="$RUNTIME" --ramp_time=1 \
              --output-format=terse --terse-version=3 2>&1)
    # terse v3: read bw KiB/s $7, read IOPS $8; write bw $48, write IOPS $49
    echo "$out" | awk -F';' -v j="$1" -v w="$2" 'NF > 50 {
      if (w ~ /write/) { bw = $48; io = $49 } else { bw = $7; io = $8 }
      printf "BENCH blk %s iops %d\nBENCH blk %s MiB/s %.1f\n", j, io, j, bw / 1024 }'
    echo "$out" | grep -q ';' || echo "BENCH-ERROR blk $1: $out"
  done
}

net() {
  ip link set lo up
  ip addr add 10.0.9.2/24 dev eth0 && ip link set eth0 up
  for _ in $(seq 50); do ping -c 1 -w 1 10.0.9.1 >/dev/null 2>&1 && break; done
  for spec in "g2h-1 1 " "g2h-4 4 " "h2g-1 1 -R" "h2g-4 4 -R"; do
    set -- $spec
    # the receiver's total: the last "receiver" line ([SUM] with -P 4)
    # the server takes one test at a time: a previous one still closing makes it "busy"
    for _ in 1 2 3 4 5; do
      out=$(/usr/bin/iperf3 -c 10.0.9.1 -t "$RUNTIME" -P "$2" $3 -f m 2>&1)
      case $out in *"server is busy"*) sleep 2 ;; *) break ;; esac
    done
    v=$(echo "$out" | grep receiver | tail -n1 | awk '{ for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1) }')
    if [ -n "$v" ]; then echo "BENCH net $1 Mbit/s $v"; else echo "BENCH-ERROR net $1: $out"; fi
  done
}

case $part in
  blk) blk ;;
  net) net ;;
  *) echo "BENCH-ERROR unknown part $part" ;;
esac
