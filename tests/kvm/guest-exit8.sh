#!/bin/sh
# Tiny guest: serial hello, then a 1-byte write of 42 to the exit port ends the VM with status 42
exec "$(dirname "$0")/../guests/expect-status" 42 'hello from PVH entry' --kernel "$GUESTS/exit8.elf" --mem 32M
