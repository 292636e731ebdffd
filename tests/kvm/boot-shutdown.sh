#!/bin/sh
# The ACPI power button with Debian's kernel: `vmm ctl SOCKET shutdown` while the guest kit sleeps
# in its command; the kernel's GED and button drivers and the kit's acpid power it off (status 0),
# well before the command would have ended.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

S=$WORK/api.sock
echo "run: $VMM --api-socket $S ... vmm_run='sleep 600'"
: >"$WORK/console.raw"     # before vmm starts: the first refresh must find it
timeout -k 20 "$VMM_TEST_TIMEOUT" "$VMM" --kernel "$KERNEL" --initrd "$INITRD" --api-socket "$S" \
  --cmdline "$(run_cmdline 'sleep 600')" </dev/null >"$WORK/console.raw" 2>"$VMMERR" &
vpid=$!
while kill -0 $vpid 2>/dev/null; do
  tr -d '\r' <"$WORK/console.raw" >"$CONSOLE"
  grep -q '^VMM-GUEST-READY$' "$CONSOLE" && break
  sleep 1
done
expect_ready
sleep 2     # acpid is started just before the marker: let it open its input devices
r=$("$VMM" ctl "$S" shutdown) || fail "shutdown: $r"
ok "shutdown: $r"
t0=$(date +%s)
wait $vpid
status=$?
tr -d '\r' <"$WORK/console.raw" >"$CONSOLE"
expect_status 0 "the guest powered off"
ok "it took $(( $(date +%s) - t0 )) s after the button"
expect_no_console 'VMM-RUN-EXIT' "the end of the 600 s sleep"
pass
