# Builder of one unit (POSIX sh, run with -e). Everything comes from the environment:
#   RUSTC, src, out, crateRoot, rustcArgs (one argument per line, `\` and newline escaped),
#   runOut (the build-script run or empty), linkLibs (non-empty: take its rustc-link-lib), binName (the executable's name under $out/bin, or
#   empty for a library), linkKinds (empty for a unit that links nothing, else which
#   rustc-link-arg* lines apply), and the cargo variables (CARGO_PKG_*, CARGO_MANIFEST_DIR, OUT_DIR, …).
# No value is ever evaluated as shell code.
echo '@nix {"action":"setPhase","phase":"rustc"}'
cd "$src"
set --
while IFS= read -r a; do
  # `\\` and `\n` are an escaped backslash and newline (default.nix's argLines); the "." keeps
  # trailing newlines through the command substitution.
  case "$a" in *\\*) a=$(printf '%b.' "$a"); a=${a%.} ;; esac
  [ -n "$a" ] && set -- "$@" "$a"
done <<EOF
$rustcArgs
EOF
if [ -n "$runOut" ]; then
  # cargo:rustc-cfg, rustc-check-cfg, rustc-link-search: one argument per line.
  while IFS= read -r a; do set -- "$@" "$a"; done < "$runOut/flags"
  # cargo:rustc-link-lib: for the library, or every unit of a package without one (linkLibs = 1).
  if [ -n "$linkLibs" ]; then
    while IFS= read -r a; do set -- "$@" "$a"; done < "$runOut/link-libs"
  fi
  # rustc-link-arg*: the lines whose kind this unit is (linkKinds, e.g. "all bins bin=NAME").
  if [ -n "$linkKinds" ]; then
    while IFS="$(printf '\t')" read -r kind a; do
      case " $linkKinds " in *" $kind "*) set -- "$@" -C "link-arg=$a" ;; esac
    done < "$runOut/link-flags"
  fi
  # cargo:rustc-env=KEY=VALUE
  while IFS= read -r kv; do export "${kv%%=*}=${kv#*=}"; done < "$runOut/env"
fi
# A crate root whose relative path starts with "-" would be read by rustc as an option.
case "$crateRoot" in -*) crateRoot="./$crateRoot" ;; esac
# crateOverrides' buildInputs: their bin/, lib/, include/ and lib/pkgconfig.
while IFS= read -r d; do
  [ -n "$d" ] || continue
  PATH="$d/bin:$PATH"; LIBRARY_PATH="$d/lib${LIBRARY_PATH:+:$LIBRARY_PATH}"
  C_INCLUDE_PATH="$d/include${C_INCLUDE_PATH:+:$C_INCLUDE_PATH}"; PKG_CONFIG_PATH="$d/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  export PATH LIBRARY_PATH C_INCLUDE_PATH PKG_CONFIG_PATH
  set -- "$@" -L "native=$d/lib"
done <<EOF
${nativeInputs:-}
EOF
# On failure: a native library the linker could not find, and the crate that asked for it.
missingLib() {
  lib=$(sed -n -e 's/.*cannot find -l\([A-Za-z0-9_.+-]*\).*/\1/p' -e 's/.*unable to find library -l\([A-Za-z0-9_.+-]*\).*/\1/p' \
    -e 's/.*could not find native static library `\([^`]*\)`.*/\1/p' "$1" | head -n 1)
  [ -n "$lib" ] || return 0
  who=
  while IFS="$tab" read -r pkg run; do
    [ -n "$run" ] && grep -q -x -e "$lib" -e "[a-z-]*=$lib" -e "[a-z-]*:[^=]*=$lib" "$run/link-libs" 2>/dev/null && who="$pkg"
  done <<EOF
$linkRuns
EOF
  who=${who:-$package}
  echo "error: native library \`$lib\` not found, needed by crate \`$who\`: provide it with crateOverrides.\"${who%% *}\" = _: { buildInputs = [ <a directory with lib/lib$lib.a or .so> ]; }" >&2
}
tab=$(printf '\t')
if [ -n "$linkKinds" ]; then
  # cargo:rustc-link-search of every build script in the closure reaches the link, as with cargo.
  while IFS="$tab" read -r pkg run; do
    [ -n "$run" ] && [ "$run" != "$runOut" ] || continue
    prev=
    while IFS= read -r a; do
      [ "$prev" = "-L" ] && set -- "$@" -L "$a"
      prev=$a
    done < "$run/flags"
  done <<EOF
$linkRuns
EOF
fi
mkdir -p "$out"
# cargo-units build --incremental (impure, opt-in): rustc's incremental state outside the store.
# rustc reuses it only when the sources and the output directory keep their paths, so it compiles
# a copy of the sources at a fixed place ($incremental/src/<derivation name>) into a fixed
# directory ($incremental/out/<derivation name>), copied to $out afterwards.
srcDir=$src
dest=$out
if [ -n "${incremental:-}" ]; then
  srcDir="$incremental/src/$name"
  dest="$incremental/out/$name"
  rm -rf "$srcDir" "$dest"
  mkdir -p "$srcDir" "$dest"
  cp -R "$src/." "$srcDir/"
  chmod -R u+w "$srcDir"
  cd "$srcDir"
  set -- "$@" -C "incremental=$incremental"
fi
if [ -n "$binName" ]; then
  mkdir -p "$dest/bin"
  "$RUSTC" "$@" --emit=link --out-dir "$dest/bin" -C extra-filename= --error-format=json \
    --remap-path-prefix "$srcDir=/src" "$crateRoot" 2> "$NIX_BUILD_TOP/rustc.err" || { cat "$NIX_BUILD_TOP/rustc.err" >&2; missingLib "$NIX_BUILD_TOP/rustc.err"; exit 1; }
  cat "$NIX_BUILD_TOP/rustc.err" >&2
  # rustc names the executable after the crate; split-debuginfo's .dwp/.dwo files keep their names.
  for f in "$dest"/bin/*; do
    case "$f" in *.dwp|*.dwo) continue ;; esac
    [ "$f" = "$dest/bin/$binName" ] || mv "$f" "$dest/bin/$binName"
  done
else
  "$RUSTC" "$@" --emit=link,metadata --out-dir "$dest" -C extra-filename= --error-format=json \
    --remap-path-prefix "$srcDir=/src" "$crateRoot" 2> "$NIX_BUILD_TOP/rustc.err" || { cat "$NIX_BUILD_TOP/rustc.err" >&2; missingLib "$NIX_BUILD_TOP/rustc.err"; exit 1; }
  cat "$NIX_BUILD_TOP/rustc.err" >&2
fi
[ "$dest" = "$out" ] || cp -R "$dest/." "$out/"
echo '@nix {"action":"setPhase","phase":"done"}'
