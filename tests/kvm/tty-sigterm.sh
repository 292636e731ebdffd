#!/bin/sh
# On a terminal: SIGTERM stops vmm cleanly (status 143); the terminal settings are restored after.
exec "$GUESTS/ptytest" sigterm "$VMM" "$GUESTS/hang.elf"
