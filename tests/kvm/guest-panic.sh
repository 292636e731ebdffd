#!/bin/sh
# Tiny guest: pvpanic panicked event: status 4
exec "$(dirname "$0")/../guests/expect-status" 4 'hello from PVH entry' --kernel "$GUESTS/panic.elf" --mem 32M
