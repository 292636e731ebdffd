#!/bin/sh
# On a terminal: raw mode: Ctrl-C goes to the guest, not to vmm; the terminal settings are restored after.
exec "$GUESTS/ptytest" ctrlc "$VMM" "$GUESTS/echo.elf"
