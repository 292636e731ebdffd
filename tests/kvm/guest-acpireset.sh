#!/bin/sh
# Tiny guest: ACPI reset register: status 3
exec "$(dirname "$0")/../guests/expect-status" 3 'hello from PVH entry' --kernel "$GUESTS/acpireset.elf" --mem 32M
