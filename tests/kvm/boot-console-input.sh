#!/bin/sh
# Linux boot with no command: the guest kit gives an interactive shell on the console (8250 COM1).
# Input is piped into vmm's stdin (a pipe, not a tty) once the shell's prompt shows: the shell must
# run `echo hi-$((6*7))` (the echo of the typed line can't contain "hi-42": only the guest's shell
# computes it), then `poweroff -f` → status 0. The pipe then hits EOF, which vmm must survive.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

echo "run: (wait for the prompt; type commands) | $VMM --kernel $KERNEL --initrd $INITRD --cmdline '$(kcmdline)'"
t0=$(date +%s)
raw=$WORK/console.raw
: >"$raw"
rm -f "$WORK/vmm.status"
# shellcheck disable=SC2094 # the typist watches the console file that vmm writes: on purpose
{
  # type only once the shell is up (a real UART drops what arrives before the guest opens it);
  # give up if vmm is gone
  i=0
  while [ $i -lt "$VMM_TEST_TIMEOUT" ] && ! [ -e "$WORK/vmm.status" ] && ! grep -q 'vmm-guest# ' "$raw"; do
    sleep 1; i=$((i + 1))
  done
  sleep 1
  # shellcheck disable=SC2016 # expanded by the guest's shell
  printf 'echo hi-$((6*7))\n'
  sleep 2
  printf 'poweroff -f\n'
} | {
  timeout -k 20 "$VMM_TEST_TIMEOUT" "$VMM" --kernel "$KERNEL" --initrd "$INITRD" \
    --cmdline "$(kcmdline)" >"$raw" 2>"$VMMERR"
  echo $? >"$WORK/vmm.status"
}
status=$(cat "$WORK/vmm.status")
tr -d '\r' <"$raw" >"$CONSOLE"
echo "vmm exited with status $status after $(( $(date +%s) - t0 )) s"

expect_status 0 "guest powered off from the shell"
expect_ready
expect_console 'vmm-guest# ' "the shell prompt"
expect_console 'echo hi-\$\(\(6\*7\)\)' "the echo of the typed command"
expect_console '^hi-42$' "the command's output (computed by the guest shell)"
expect_console 'reboot: Power down' "the kernel's power-down message"
pass
