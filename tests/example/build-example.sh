#!/bin/sh
# Install libvmm into a staging directory and build examples/embed.c against the installed copy,
# the way an embedder would: through pkg-config. Then check what was installed: the shared
# library (with its soname, exporting only vmm_* symbols), the static library, the one header,
# the pkg-config file and the vmm command. The example lands in OUT, for the KVM case that runs
# it (tests/kvm/lib-example.sh).
# usage: build-example.sh BUILD_DIR SOURCE_DIR OUT
set -eu
build=$1 src=$2 out=$3
dest=$build/example-install
rm -rf "$dest"
DESTDIR=$dest meson install -C "$build" --quiet --no-rebuild >/dev/null
fail() { echo "FAIL: $*"; exit 1; }
pc=$(find "$dest" -name libvmm.pc | head -n1)
[ -n "$pc" ] || fail "no libvmm.pc installed"
export PKG_CONFIG_PATH="${pc%/*}" PKG_CONFIG_SYSROOT_DIR="$dest"   # pkgconf prefixes paths and variables
libdir=$(pkg-config --variable=libdir libvmm)
incdir=$(pkg-config --variable=includedir libvmm)
echo "pkg-config: $(pkg-config --modversion libvmm): $(pkg-config --cflags --libs libvmm)"
[ -f "$incdir/vmm.h" ] || fail "vmm.h is not in $incdir"
[ "$(find "$incdir" -name '*.h' | wc -l)" = 1 ] || fail "more than one header installed: $(find "$incdir" -name '*.h')"
[ -f "$libdir/libvmm.a" ] || fail "no libvmm.a"
soname=$(readelf -d "$libdir/libvmm.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libvmm.so.0 ] || fail "soname is '$soname'"
other=$(nm -D --defined-only "$libdir/libvmm.so.0" | awk '$2 ~ /[TDBR]/ {print $3}' | grep -v '^vmm_' | grep -v '^VMM_' || true)
[ -z "$other" ] || fail "symbols other than vmm_* exported: $other"
[ -x "$(find "$dest" -path '*/bin/vmm' | head -n1)" ] || fail "no vmm command installed"
# shellcheck disable=SC2046 # pkg-config's words on purpose
cc -std=c11 -Wall -Wextra -Werror -o "$out" "$src/examples/embed.c" \
  $(pkg-config --cflags --libs libvmm) -Wl,-rpath,"$libdir"
# (meson test points LD_LIBRARY_PATH at the build tree: look past it)
env -u LD_LIBRARY_PATH ldd "$out" | grep -q "$libdir/libvmm.so.0" \
  || fail "the example does not use the installed library: $(env -u LD_LIBRARY_PATH ldd "$out")"
echo "ok: installed $(nm -D --defined-only "$libdir/libvmm.so.0" | grep -c ' T vmm_') vmm_* functions, soname $soname; built $out with pkg-config"
