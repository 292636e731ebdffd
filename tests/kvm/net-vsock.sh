#!/bin/sh
# virtio-vsock on the host's vhost-vsock, with Debian's kernel: the host connects to a port the
# guest listens on, and the guest connects to a port the host listens on; each side echoes, and
# the round trip must bring back exactly what was sent. A second vmm asking for the same CID
# fails at start with one clear line.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

ECHO=$GUESTS/vsock-echo
[ -x "$ECHO" ] || fail "no $ECHO (built with the tiny guests)"
[ -c /dev/vhost-vsock ] || fail "no /dev/vhost-vsock on this machine (load the vhost_vsock module)"
cid=$(( 1000 + $$ % 50000 ))

ov=$WORK/overlay
mkdir -p "$ov/bin"
cp "$ECHO" "$ov/bin/vsock-echo"
cat >"$ov/vsock-test.sh" <<'EOS'
#!/bin/sh
vsock-echo listen 1234 >/tmp/listen.log 2>&1 &
sleep 1
echo VMM-VSOCK-LISTENING
wait $!
echo "VMM-VSOCK-LISTENER-EXIT $?"
echo "VMM-VSOCK-G2H $(echo from-guest-$$ | vsock-echo connect 2 1235)"
EOS
initrd_plus "$ov" "$WORK/initrd.img"

echo "run: $VMM --vsock cid=$cid ..."
: >"$WORK/console.raw"     # before vmm starts: the first refresh must find it
timeout -k 20 "$VMM_TEST_TIMEOUT" "$VMM" --kernel "$KERNEL" --initrd "$WORK/initrd.img" \
  --vsock "cid=$cid" --cmdline "$(run_cmdline 'sh /vsock-test.sh')" \
  </dev/null >"$WORK/console.raw" 2>"$VMMERR" &
vpid=$!
wait_console '^VMM-VSOCK-LISTENING$' || { wait $vpid; status=$?; fail "the guest never listened (vmm status $status)"; }

# A second VM may not take the same CID.
timeout -k 5 120 "$VMM" --kernel "$KERNEL" --initrd "$INITRD" --vsock "cid=$cid" </dev/null >/dev/null 2>"$WORK/dup.err"
dup=$?
[ "$dup" != 0 ] && [ "$(wc -l <"$WORK/dup.err")" -eq 1 ] && ok "a second VM with cid $cid fails: $(cat "$WORK/dup.err")" \
  || fail "a second VM with the same cid: status $dup, stderr: $(cat "$WORK/dup.err")"

"$ECHO" listen 1235 >"$WORK/hlisten.log" 2>&1 &
hl=$!
reply=$(echo "from-host-$$" | "$ECHO" connect "$cid" 1234) || fail "host -> guest connect failed: $reply"
expect_eq "$reply" "from-host-$$" "host -> guest round trip"
wait $vpid
status=$?
refresh_console
wait $hl || fail "the host listener failed: $(cat "$WORK/hlisten.log")"
expect_status 0 "guest powered off"
expect_console '^VMM-VSOCK-LISTENER-EXIT 0$' "the guest's listener served one connection"
expect_console '^VMM-VSOCK-G2H from-guest-[0-9]+$' "guest -> host round trip"
pass
