#!/bin/sh
# Tiny guest: a triple fault is a reset: status 3
exec "$(dirname "$0")/../guests/expect-status" 3 'hello from PVH entry' --kernel "$GUESTS/triple.elf" --mem 32M
