# tests/kvm/lib/boot.sh — helpers sourced by the Linux boot cases (tests/kvm/boot-*.sh).
# shellcheck shell=sh
# POSIX sh: the cases run under busybox sh inside the nested machine, under any sh on hardware.
#
# Env (set by tests/kvm-suite): VMM (vmm binary), KERNEL, INITRD (guest kit: guest/mkguest.sh),
#   WORK (scratch dir of this case).
# Knobs: VMM_TEST_TIMEOUT  seconds allowed for one guest boot-to-exit (default 600; nested L2
#                          boots run inside a TCG-emulated L1 and take 30-90 s or more)
#        VMM_TEST_VERBOSE=1  boot without "quiet": the full kernel log (slower: every console byte is
#                          a VM exit, very costly nested)
#
# The guest kit's init prints VMM-GUEST-READY, runs vmm_run="COMMAND" from the kernel command line
# with sh -c, prints VMM-RUN-EXIT <status> and powers off (see guest/mkguest.sh).

: "${VMM:?VMM must name the vmm binary}" "${KERNEL:?KERNEL must name the guest kernel}"
: "${INITRD:?INITRD must name the guest initramfs}" "${WORK:?WORK must name a scratch dir}"
VMM_TEST_TIMEOUT=${VMM_TEST_TIMEOUT:-600}

[ -x "$VMM" ] || { echo "FAIL: vmm binary $VMM is missing or not executable"; exit 1; }
[ -r "$KERNEL" ] || { echo "FAIL: guest kernel $KERNEL is not readable"; exit 1; }
[ -r "$INITRD" ] || { echo "FAIL: guest initramfs $INITRD is not readable"; exit 1; }
mkdir -p "$WORK" || exit 1

CONSOLE=$WORK/console.log     # guest console (vmm stdout), \r stripped
VMMERR=$WORK/vmm.stderr       # vmm's own messages
status=
checks=0

# the kernel command line: vmm's default plus "quiet" (unless VMM_TEST_VERBOSE) plus ARGS
kcmdline() {
  if [ "${VMM_TEST_VERBOSE:-0}" = 1 ]; then q=; else q=" quiet"; fi
  echo "console=ttyS0 panic=-1$q${1:+ $1}"
}
# a command line that makes the guest run COMMAND (no '"' allowed in it: the kernel's quoting is simple)
run_cmdline() {
  case "$1" in *'"'*) echo "test bug: vmm_run command holds a double quote" >&2; exit 1 ;; esac
  kcmdline "vmm_run=\"$1\"${2:+ $2}"
}

show_logs() {
  echo "----- guest console ($CONSOLE), last 150 lines -----"
  tail -n 150 "$CONSOLE" 2>/dev/null
  echo "----- vmm stderr ($VMMERR) -----"
  tail -n 50 "$VMMERR" 2>/dev/null
  echo "-----"
}
fail() {
  echo "FAIL: $*"
  show_logs
  exit 1
}
ok() { checks=$((checks + 1)); echo "ok: $*"; }
pass() {
  echo "all $checks checks passed"
  [ "${VMM_TEST_SHOWLOG:-0}" = 1 ] && show_logs
  exit 0
}

# run_vmm VMM-ARGS...: boots the guest kit with stdin from /dev/null; sets $status
run_vmm() {
  echo "run: $VMM --kernel $KERNEL --initrd $INITRD $*"
  t0=$(date +%s)
  timeout -k 20 "$VMM_TEST_TIMEOUT" "$VMM" --kernel "$KERNEL" --initrd "$INITRD" "$@" \
    </dev/null >"$WORK/console.raw" 2>"$VMMERR"
  status=$?
  tr -d '\r' <"$WORK/console.raw" >"$CONSOLE"
  echo "vmm exited with status $status after $(( $(date +%s) - t0 )) s"
}

# initrd_plus DIR OUT: the guest kit's initramfs with DIR's files added, as a second archive.
# Linux reads concatenated archives, but each must start on a 4-byte boundary (it skips zero
# padding between them): pad the kit first, or the second one is "invalid magic" depending on
# the kit's size.
initrd_plus() {
  _n=$(wc -c <"$INITRD")
  { cat "$INITRD"; head -c $(( (4 - _n % 4) % 4 )) /dev/zero
    (cd "$1" && find . | cpio -o -H newc 2>/dev/null); } >"$2" || fail "making $2"
}

# expect_status N: the status of the last run_vmm
expect_status() {
  if [ "$status" = "$1" ]; then ok "vmm exit status is $1 ($2)"; return; fi
  case "$status" in
    124|137) fail "vmm exit status $status, expected $1 ($2): timed out after $VMM_TEST_TIMEOUT s" ;;
    143) fail "vmm exit status 143, expected $1 ($2): SIGTERM (timeout after $VMM_TEST_TIMEOUT s?)" ;;
    *) fail "vmm exit status $status, expected $1 ($2)" ;;
  esac
}
# expect_console ERE DESCRIPTION: some console line matches ERE
expect_console() {
  if grep -qE -- "$1" "$CONSOLE"; then ok "console shows $2: $(grep -E -- "$1" "$CONSOLE" | head -n1)"
  else fail "console lacks $2 (no line matching /$1/)"; fi
}
# expect_no_console ERE DESCRIPTION
expect_no_console() {
  if grep -qE -- "$1" "$CONSOLE"; then fail "console shows $2: $(grep -E -- "$1" "$CONSOLE" | head -n1)"
  else ok "console has no $2"; fi
}
# expect_eq GOT WANT WHAT
expect_eq() {
  if [ "$1" = "$2" ]; then ok "$3 = $2"; else fail "$3 = '$1', expected $2"; fi
}
expect_ready() { expect_console '^VMM-GUEST-READY$' "the guest kit's ready marker"; }
# console_value NAME: the value printed by the guest as NAME=value
console_value() { sed -n "s/.*$1=\([0-9][0-9]*\).*/\1/p" "$CONSOLE" | head -n1; }

# For cases that act on the VM while it runs (fault injection, signals):
# start_vmm VMM-ARGS...: boots the guest kit in the background with stdin from /dev/null; $vpid is
#   vmm itself (no timeout wrapper in between, so a signal sent to it reaches vmm), and a watchdog
#   kills it after VMM_TEST_TIMEOUT s
start_vmm() {
  echo "run (background): $VMM --kernel $KERNEL --initrd $INITRD $*"
  : >"$WORK/console.raw"
  "$VMM" --kernel "$KERNEL" --initrd "$INITRD" "$@" </dev/null >"$WORK/console.raw" 2>"$VMMERR" &
  vpid=$!
  (sleep "$VMM_TEST_TIMEOUT"; kill -9 "$vpid" 2>/dev/null) &
  vdog=$!
}
# refresh_console: $CONSOLE from what the guest printed so far
refresh_console() { tr -d '\r' <"$WORK/console.raw" >"$CONSOLE"; }
# wait_console ERE [N]: until N (default 1) console lines match ERE (0), or vmm ended first (1);
# $vpid is the background vmm (start_vmm's, or a case's own)
wait_console() {
  while :; do
    refresh_console
    _c=$(grep -cE -- "$1" "$CONSOLE")
    [ "${_c:-0}" -ge "${2:-1}" ] && return 0
    kill -0 "$vpid" 2>/dev/null || return 1
    sleep 0.5
  done
}
# wait_vmm: wait for the background vmm; sets $status
wait_vmm() {
  wait "$vpid"
  status=$?
  kill "$vdog" 2>/dev/null
  refresh_console
  echo "vmm exited with status $status"
}

# expect_host_errors ERE WHAT: vmm logged the host's failures of virtio-blk0 (a line matching ERE),
# and no more than the 4 lines it promises, however often the guest retried
expect_host_errors() {
  grep -qE -- "virtio-blk0: host $1" "$VMMERR" \
    && ok "vmm logged $2: $(grep -m1 'virtio-blk0: host' "$VMMERR")" || fail "vmm did not log $2"
  _nl=$(grep -c 'virtio-blk0: host' "$VMMERR")
  [ "$_nl" -le 4 ] && ok "$_nl such lines (bounded at 4)" \
    || fail "$_nl lines about host errors: the log is not bounded"
}
