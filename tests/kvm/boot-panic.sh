#!/bin/sh
# Linux boot, the guest panics (`echo c > /proc/sysrq-trigger`, panic=-1 on the command line): the
# guest kit loads pvpanic-mmio, which binds vmm's ACPI QEMU0001 device (I/O port 0x505) and reports
# the panic → vmm exits with status 4 (not 3: panic=-1 would otherwise reboot at once).
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

run_vmm --cmdline "$(run_cmdline 'ls /sys/bus/platform/drivers/pvpanic-mmio/; echo about-to-panic; echo c > /proc/sysrq-trigger')"
expect_console 'vmm-guest: modules:.* pvpanic_mmio' "pvpanic-mmio loaded"
expect_console 'QEMU0001' "pvpanic-mmio bound to an ACPI QEMU0001 device"
expect_status 4 "guest panic"
expect_ready
expect_console '^about-to-panic$' "the command's output"
expect_console 'Kernel panic - not syncing' "the kernel's panic message"
expect_no_console 'VMM-RUN-EXIT' "return from the command"
pass
