#!/bin/sh
# libvmm for embedders (tests/lib/libtest.c) on this machine's KVM: two VMs at once, callbacks
# on their documented threads, pause and resume, and 1000 create/start/wait/destroy cycles with
# no fd, thread or memory leaked: once against the shared library, once built with ASan, UBSan
# and LeakSanitizer (any report fails the run).
set -u
W=${WORK:-/tmp}
st=0
echo "== shared library"
"$GUESTS/vmm-libtest" "$GUESTS" 1000 || st=1
echo "== sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$GUESTS/vmm-libtest-asan" "$GUESTS" 200 >"$W/asan.out" 2>&1 || st=1
cat "$W/asan.out"
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$W/asan.out"; then
  echo "FAIL: a sanitizer reported a problem"
  st=1
fi
exit $st
