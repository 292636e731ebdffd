#!/bin/sh
# Linux boot: a plain shell in the stock kernel writes 42 to the exit port (0xf4 = 244) through
# /dev/port, exactly as the README documents it → vmm exits with status 42.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

run_vmm --cmdline "$(run_cmdline "echo writing-exit-code; printf '\\052' | dd of=/dev/port bs=1 seek=244 count=1")"
expect_status 42 "guest exit code"
expect_console '^writing-exit-code$' "the command's output"
expect_no_console 'VMM-RUN-EXIT' "the command's return (the VM must end at the write)"
pass
