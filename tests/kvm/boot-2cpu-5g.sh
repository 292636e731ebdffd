#!/bin/sh
# Linux boot, 2 vCPUs, 5 GiB (RAM above 4 GiB, split around the PCI hole): the guest must bring both
# CPUs online and see a MemTotal in (4.5 GiB, 5 GiB], then power off (status 0).
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

# shellcheck disable=SC2016 # expanded by the guest's shell
cmd='echo NPROC=$(nproc) CPUINFO=$(grep -c ^processor /proc/cpuinfo) ONLINE=$(cat /sys/devices/system/cpu/online) MEMKB=$(awk '\''/^MemTotal:/{print $2}'\'' /proc/meminfo)'
run_vmm --cpus 2 --mem 5G --cmdline "$(run_cmdline "$cmd")"
expect_status 0 "guest powered off"
expect_ready
expect_console '^VMM-RUN-EXIT 0$' "the command's success"
expect_console 'ONLINE=0-1( |$)' "CPUs 0-1 online"

nproc=$(console_value NPROC); cpus=$(console_value CPUINFO); kb=$(console_value MEMKB)
expect_eq "$nproc" 2 "nproc"
expect_eq "$cpus" 2 "processors in /proc/cpuinfo"
[ -n "$kb" ] || fail "no MemTotal printed"
lo=$((4608 * 1024)) hi=$((5120 * 1024))
if [ "$kb" -gt "$lo" ] && [ "$kb" -le "$hi" ]; then
  ok "MemTotal $kb kB = $((kb / 1024)) MiB is in ($lo, $hi] kB"
else
  fail "MemTotal $kb kB = $((kb / 1024)) MiB is outside ($lo, $hi] kB"
fi
pass
