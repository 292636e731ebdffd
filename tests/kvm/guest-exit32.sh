#!/bin/sh
# Tiny guest: a 4-byte write of 0x107 to the exit port gives status 7 (low byte)
exec "$(dirname "$0")/../guests/expect-status" 7 'hello from PVH entry' --kernel "$GUESTS/exit32.elf" --mem 32M
