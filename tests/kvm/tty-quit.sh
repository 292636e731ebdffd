#!/bin/sh
# On a terminal: Ctrl-A x quits with status 0; the terminal settings are restored after.
exec "$GUESTS/ptytest" quit "$VMM" "$GUESTS/echo.elf"
