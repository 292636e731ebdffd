#!/bin/sh
# build.sh CC SRC LDSCRIPT OUT ACTION: assemble one tiny guest variant.
set -e
cc=$1 src=$2 lds=$3 out=$4 action=$5
$cc -m32 -c -DGUEST_ACTION="$action" -o "$out.o" "$src"
ld -m elf_i386 --no-warn-rwx-segments -T "$lds" -nostdlib -o "$out" "$out.o"
rm -f "$out.o"
