#!/bin/sh
# Tiny guest: i8042 reset pulse (reboot=k): status 3
exec "$(dirname "$0")/../guests/expect-status" 3 'hello from PVH entry' --kernel "$GUESTS/kbdreset.elf" --mem 32M
