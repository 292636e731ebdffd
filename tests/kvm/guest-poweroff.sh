#!/bin/sh
# Tiny guest: ACPI S5 through the sleep control register: status 0
exec "$(dirname "$0")/../guests/expect-status" 0 'hello from PVH entry' --kernel "$GUESTS/poweroff.elf" --mem 32M
