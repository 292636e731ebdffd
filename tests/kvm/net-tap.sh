#!/bin/sh
# virtio-net on taps, with Debian's kernel: the machine the test runs on makes two taps with
# addresses (iproute2's ip); the guest gets two NICs at once (eth0 with 2 queue pairs and the MAC
# given on the command line, eth1 with one queue and a generated MAC), sets them up and pings
# the host; the host pings the guest; 100 MB go each way over eth0 and 1 MB each way over eth1,
# with matching checksums on both ends (vmm-xfer). Then the host deletes eth1's tap while the
# VM runs: vmm logs it and carries on, eth0 still works, and the guest powers off cleanly. A
# third NIC asks for "lo", which is no tap: one warning, and that NIC is link-down.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

IP=$(if [ -x /x/ip ]; then echo /x/ip; else command -v ip; fi)
XFER=$GUESTS/vmm-xfer
[ -n "$IP" ] && "$IP" -V >/dev/null 2>&1 || fail "iproute2's ip is needed (to make taps)"
[ -x "$XFER" ] || fail "no $XFER (built with the tiny guests)"
[ -c /dev/net/tun ] || fail "no /dev/net/tun on this machine (load the tun module)"

# Names unique to this run, so a host with other taps is left alone.
t0=vmmt$$a t1=vmmt$$b
cleanup() { "$IP" link del "$t0" 2>/dev/null; "$IP" link del "$t1" 2>/dev/null; }
trap cleanup EXIT
"$IP" tuntap add dev "$t0" mode tap multi_queue || fail "ip tuntap add $t0"
"$IP" tuntap add dev "$t1" mode tap || fail "ip tuntap add $t1"
"$IP" addr add 10.0.2.1/24 dev "$t0" && "$IP" link set "$t0" up || fail "address on $t0"
"$IP" addr add 10.0.3.1/24 dev "$t1" && "$IP" link set "$t1" up || fail "address on $t1"
ok "taps $t0 (10.0.2.1, multiqueue) and $t1 (10.0.3.1) are up"

# The guest side: a script and vmm-xfer appended to the guest kit's initramfs as a second cpio.
ov=$WORK/overlay
mkdir -p "$ov/bin"
cp "$XFER" "$ov/bin/vmm-xfer"
cat >"$ov/net-test.sh" <<'EOS'
#!/bin/sh
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up
ip addr add 10.0.3.15/24 dev eth1 && ip link set eth1 up
for n in eth0 eth1; do
  echo "VMM-MAC $n $(cat /sys/class/net/$n/address)"
  echo "VMM-QUEUES $n $(ls -d /sys/class/net/$n/queues/rx-* | wc -l)"
done
ip link set eth2 up
sleep 1
echo "VMM-CARRIER eth2 $(cat /sys/class/net/eth2/carrier)"
ping -c 2 -w 60 10.0.2.1 >/dev/null && echo "VMM-PING-OK eth0"
ping -c 2 -w 60 10.0.3.1 >/dev/null && echo "VMM-PING-OK eth1"
echo VMM-NET-UP
vmm-xfer listen 5001
vmm-xfer send 10.0.2.1 5002 104857600 7
vmm-xfer listen 5003
vmm-xfer send 10.0.3.1 5004 1048576 9
# the host deletes eth1's tap, then says so on port 5005
vmm-xfer listen 5005 >/dev/null
ping -c 2 -w 5 10.0.3.1 >/dev/null 2>&1 || echo "VMM-ETH1-GONE"
ping -c 2 -w 60 10.0.2.1 >/dev/null && echo "VMM-PING-AGAIN eth0"
EOS
initrd_plus "$ov" "$WORK/initrd.img"

# The guest runs in the background while this side plays the host.
# A third NIC on "lo", which is no tap: vmm says so and the guest sees that NIC link-down.
echo "run: $VMM --cpus 2 --net tap=$t0,mac=52:54:00:12:34:56,queues=2 --net tap=$t1 --net tap=lo ..."
: >"$WORK/console.raw"     # before vmm starts: the first refresh must find it
timeout -k 20 "$VMM_TEST_TIMEOUT" "$VMM" --kernel "$KERNEL" --initrd "$WORK/initrd.img" \
  --api-socket "$WORK/api.sock" --mem 512M --cpus 2 --net "tap=$t0,mac=52:54:00:12:34:56,queues=2" --net "tap=$t1" --net tap=lo \
  --cmdline "$(run_cmdline 'sh /net-test.sh')" </dev/null >"$WORK/console.raw" 2>"$VMMERR" &
vpid=$!
wait_console '^VMM-NET-UP$' || { wait $vpid; status=$?; fail "the guest never got its NICs up (vmm status $status)"; }
ok "the guest set eth0 and eth1 up"

ping -c 2 -w 30 10.0.2.15 >/dev/null && ok "host pings the guest on eth0" || fail "host cannot ping 10.0.2.15"
ping -c 2 -w 30 10.0.3.15 >/dev/null && ok "host pings the guest on eth1" || fail "host cannot ping 10.0.3.15"

# Each transfer has a time limit (a few times what it takes in the nested machine), so a stalled
# one fails with the logs and the counters instead of running into the suite's case timeout.
stalled() {
  for t in "$t0" "$t1"; do
    echo "--- tap $t: $(cat "/sys/class/net/$t/statistics/tx_packets" 2>/dev/null) frames to vmm," \
         "$(cat "/sys/class/net/$t/statistics/tx_dropped" 2>/dev/null) dropped (vmm not reading)," \
         "$(cat "/sys/class/net/$t/statistics/rx_packets" 2>/dev/null) from vmm"
  done
  echo "--- vmm metrics"; timeout 10 "$VMM" ctl "$WORK/api.sock" metrics
  fail "$@"
}
timeout 300 "$XFER" listen 5002 >"$WORK/h5002.txt" 2>&1 &
l1=$!
timeout 300 "$XFER" listen 5004 >"$WORK/h5004.txt" 2>&1 &
l2=$!
timeout 180 "$XFER" send 10.0.2.15 5001 104857600 3 >"$WORK/s5001.txt" 2>&1 \
  || stalled "sending 100 MB to the guest: $(cat "$WORK/s5001.txt")"
timeout 60 "$XFER" send 10.0.3.15 5003 1048576 5 >"$WORK/s5003.txt" 2>&1 \
  || stalled "sending 1 MB to the guest: $(cat "$WORK/s5003.txt")"
wait $l1 || stalled "receiving 100 MB from the guest: $(cat "$WORK/h5002.txt")"
wait $l2 || stalled "receiving 1 MB from the guest: $(cat "$WORK/h5004.txt")"

"$IP" link del "$t1" || fail "deleting $t1"
"$XFER" send 10.0.2.15 5005 1 >/dev/null 2>&1 || fail "telling the guest the tap is gone"
wait $vpid
status=$?
refresh_console
echo "vmm exited with status $status"

expect_status 0 "guest powered off"
expect_console '^VMM-MAC eth0 52:54:00:12:34:56$' "the MAC from the command line on eth0"
expect_console '^VMM-MAC eth1 52:54:00:' "a generated 52:54:00 MAC on eth1"
expect_console '^VMM-QUEUES eth0 2$' "2 rx queues on eth0"
expect_console '^VMM-QUEUES eth1 1$' "1 rx queue on eth1"
expect_console '^VMM-CARRIER eth2 0$' "eth2, whose tap could not be opened, link-down"
grep -q '^vmm: virtio-net2: tap lo: .*link is down' "$VMMERR" && ok "vmm said why: $(grep -m1 'virtio-net2' "$VMMERR")" \
  || fail "no line about eth2's tap"
expect_console '^VMM-PING-OK eth0$' "guest pings the host on eth0"
expect_console '^VMM-PING-OK eth1$' "guest pings the host on eth1"
# sum KIND FILE [N]: "bytes sum" of the Nth (default 1st) vmm-xfer line of KIND in FILE
sum() { sed -n "s/.*$1 bytes=\([0-9]*\) sum=\([0-9a-f]*\).*/\1 \2/p" "$2" | sed -n "${3:-1}p"; }
expect_eq "$(sum xfer-recv "$CONSOLE" 1)" "$(sum xfer-send "$WORK/s5001.txt")" "100 MB host->guest (bytes, sum) on eth0"
expect_eq "$(sum xfer-send "$CONSOLE" 1)" "$(sum xfer-recv "$WORK/h5002.txt")" "100 MB guest->host (bytes, sum) on eth0"
expect_eq "$(sum xfer-recv "$CONSOLE" 2)" "$(sum xfer-send "$WORK/s5003.txt")" "1 MB host->guest (bytes, sum) on eth1"
expect_eq "$(sum xfer-send "$CONSOLE" 2)" "$(sum xfer-recv "$WORK/h5004.txt")" "1 MB guest->host (bytes, sum) on eth1"
case "$(sum xfer-send "$WORK/s5001.txt")" in "104857600 "*) ok "100 MB were sent" ;; *) fail "100 MB were not sent" ;; esac
expect_console '^VMM-ETH1-GONE$' "eth1 dead once its tap was deleted"
expect_console '^VMM-PING-AGAIN eth0$' "eth0 still working after that"
grep -q '^vmm: virtio-net1: tap read failed' "$VMMERR" && ok "vmm logged it: $(grep -m1 'virtio-net1' "$VMMERR")" \
  || fail "no log line about eth1's tap"
[ "$(grep -c 'virtio-net1: tap' "$VMMERR")" -le 2 ] && ok "logged once per direction" || fail "the tap failure was logged more than once per direction"
pass
