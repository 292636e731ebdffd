#!/bin/sh
# Linux boot, 1 vCPU, 256 MiB: Debian's stock kernel + guest kit. The guest must see exactly one CPU
# and a MemTotal in (192 MiB, 256 MiB] (MemTotal is RAM minus the kernel image and early
# reservations: ~206 MiB for Debian's 6.1 kernel at 256 MiB), run its command, and power off
# through ACPI (status 0).
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

# shellcheck disable=SC2016 # expanded by the guest's shell
cmd='echo NPROC=$(nproc) CPUINFO=$(grep -c ^processor /proc/cpuinfo) MEMKB=$(awk '\''/^MemTotal:/{print $2}'\'' /proc/meminfo)'
run_vmm --cpus 1 --mem 256M --cmdline "$(run_cmdline "$cmd")"
expect_status 0 "guest powered off"
expect_ready
expect_console '^VMM-RUN-EXIT 0$' "the command's success"
expect_console 'reboot: Power down' "the kernel's power-down message"

nproc=$(console_value NPROC); cpus=$(console_value CPUINFO); kb=$(console_value MEMKB)
expect_eq "$nproc" 1 "nproc"
expect_eq "$cpus" 1 "processors in /proc/cpuinfo"
[ -n "$kb" ] || fail "no MemTotal printed"
lo=$((192 * 1024)) hi=$((256 * 1024))
if [ "$kb" -gt "$lo" ] && [ "$kb" -le "$hi" ]; then
  ok "MemTotal $kb kB = $((kb / 1024)) MiB is in ($lo, $hi] kB"
else
  fail "MemTotal $kb kB = $((kb / 1024)) MiB is outside ($lo, $hi] kB"
fi
pass
