#!/bin/sh
# SIGTERM to vmm while Debian's kernel writes hard to its root disk: vmm stops cleanly (status
# 143); after the journal replay the next mount would do, e2fsck -fn is clean and every file the
# guest flushed is on the disk (see lib/killwrites.sh).
# shellcheck source-path=SCRIPTDIR source=lib/boot.sh
. "$(dirname "$0")/lib/boot.sh"
# shellcheck source-path=SCRIPTDIR source=lib/rootfs.sh
. "$(dirname "$0")/lib/rootfs.sh"
# shellcheck source-path=SCRIPTDIR source=lib/killwrites.sh
. "$(dirname "$0")/lib/killwrites.sh"
kill_during_writes TERM 143
pass
