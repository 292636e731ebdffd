#!/bin/sh
# SIGKILL of vmm while Debian's kernel writes hard to its root disk: nothing runs in vmm after
# the kill, yet every file the guest flushed before it is on the disk, and after the journal
# replay the next mount would do, e2fsck -fn is clean (see lib/killwrites.sh).
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"
# shellcheck source-path=SCRIPTDIR source=lib/rootfs.sh
. "$(dirname "$0")/lib/rootfs.sh"
# shellcheck source-path=SCRIPTDIR source=lib/killwrites.sh
. "$(dirname "$0")/lib/killwrites.sh"
kill_during_writes KILL 137
pass
