#!/bin/sh
# --console virtio: the guest's console is hvc0 (console=hvc0), its output reaches vmm's stdout;
# virtio-rng (on by default): /dev/hwrng returns bytes.
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"

# shellcheck disable=SC2016 # expanded by the guest's shell
cmd='echo CONSOLE=$(cat /sys/class/tty/console/active); echo RNG=$(cat /sys/class/misc/hw_random/rng_current); echo HWRNG-BYTES=$(head -c 64 /dev/hwrng | wc -c)'
run_vmm --console virtio --cmdline "console=hvc0 panic=-1 quiet vmm_run=\"$cmd\""
expect_status 0 "guest powered off"
expect_ready
expect_console '^CONSOLE=hvc0' "hvc0 as the active console"
expect_console '^RNG=virtio_rng' "virtio_rng as the current hw_random"
expect_eq "$(console_value HWRNG-BYTES)" 64 "bytes read from /dev/hwrng"
pass
