#!/bin/sh
# Linux boot with reboot=k (keyboard controller: 0xFE to port 0x64), the guest runs `reboot -f` → status 3.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

run_vmm --cmdline "$(run_cmdline 'echo about-to-reboot; reboot -f') reboot=k"
expect_status 3 "guest reset"
expect_ready
expect_console '^about-to-reboot$' "the command's output"
expect_console 'reboot: Restarting system' "the kernel's restart message"
pass
