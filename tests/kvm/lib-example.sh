#!/bin/sh
# The example embedder (examples/embed.c, built against the installed libvmm through pkg-config by
# the example-install meson test) boots Debian's kernel with the guest kit and captures the
# console in memory: the guest powers off, the report shows the captured bytes and the end of
# the console, and nothing else of the console reached stdout.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"
EMBED=$GUESTS/vmm-embed
[ -x "$EMBED" ] || fail "no $EMBED: it is built by the example-install test (meson test -C BUILD example-install)"
timeout -k 20 "$VMM_TEST_TIMEOUT" "$EMBED" "$KERNEL" "$INITRD" \
  "$(run_cmdline 'echo embedded-guest-ok')" 300 </dev/null >"$CONSOLE" 2>"$VMMERR"
status=$?
expect_status 0 "the embedder saw the guest power off"
expect_console '^embed: guest ended: poweroff \(code 0\); console captured in memory: [1-9][0-9]* bytes$' "the report"
expect_console '^\| VMM-RUN-EXIT 0' "the end of the captured console, quoted"
expect_no_console '^[^e|]|^e[^m]' "console output outside the report (it went to memory)"
pass
