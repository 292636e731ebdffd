#!/bin/sh
# Linux boot, the guest itself runs `poweroff -f`: ACPI S5 → vmm exits with status 0. The guest kit's
# init must not get to print VMM-RUN-EXIT (the command never returns).
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

run_vmm --cmdline "$(run_cmdline 'echo about-to-power-off; poweroff -f')"
expect_status 0 "guest powered off"
expect_ready
expect_console '^about-to-power-off$' "the command's output"
expect_console 'reboot: Power down' "the kernel's power-down message"
expect_no_console 'VMM-RUN-EXIT' "return from the command (poweroff -f must not return)"
pass
