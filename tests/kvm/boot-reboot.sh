#!/bin/sh
# Linux boot, the guest runs `reboot -f`: the kernel resets the machine (ACPI reset register,
# keyboard controller 0xFE or triple fault, whichever vmm offers first) → vmm exits with status 3.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

run_vmm --cmdline "$(run_cmdline 'echo about-to-reboot; reboot -f')"
expect_status 3 "guest reset"
expect_ready
expect_console '^about-to-reboot$' "the command's output"
expect_console 'reboot: Restarting system' "the kernel's restart message"
expect_no_console 'VMM-RUN-EXIT' "return from the command (reboot -f must not return)"
expect_eq "$(grep -c '^VMM-GUEST-READY$' "$CONSOLE")" 1 \
  "boots seen (VMM-GUEST-READY lines; vmm must exit on reset, not restart the guest)"
pass
