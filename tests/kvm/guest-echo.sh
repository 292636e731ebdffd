#!/bin/sh
# Tiny guest: console input reaches the guest (echoed back), 'q' ends it with status 0
VMM_STDIN=${WORK:-/tmp}/echo-input.$$
printf "ping-from-host\nq" >"$VMM_STDIN"
export VMM_STDIN
"$(dirname "$0")/../guests/expect-status" 0 'ping-from-host' --kernel "$GUESTS/echo.elf" --mem 32M
st=$?; rm -f "$VMM_STDIN"; exit $st
