# Builder of one unit (POSIX sh, run with -e). Everything comes from the environment:
#   RUSTC, src, out, crateRoot, rustcArgs (one argument per line, `\` and newline escaped),
#   runOut (the build-script run or empty), binName (the executable's name under $out/bin, or
#   empty for a library), and the cargo variables (CARGO_PKG_*, CARGO_MANIFEST_DIR, OUT_DIR, …).
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
  # cargo:rustc-cfg, rustc-check-cfg, rustc-link-lib, rustc-link-search: one argument per line.
  while IFS= read -r a; do set -- "$@" "$a"; done < "$runOut/flags"
  if [ -n "$binName" ]; then
    while IFS= read -r a; do set -- "$@" "$a"; done < "$runOut/link-flags"
  fi
  # cargo:rustc-env=KEY=VALUE
  while IFS= read -r kv; do export "${kv%%=*}=${kv#*=}"; done < "$runOut/env"
fi
# A crate root whose relative path starts with "-" would be read by rustc as an option.
case "$crateRoot" in -*) crateRoot="./$crateRoot" ;; esac
mkdir -p "$out"
if [ -n "$binName" ]; then
  mkdir -p "$out/bin"
  "$RUSTC" "$@" --emit=link --out-dir "$out/bin" -C extra-filename= --error-format=json \
    --remap-path-prefix "$src=/src" "$crateRoot"
  for f in "$out"/bin/*; do
    [ "$f" = "$out/bin/$binName" ] || mv "$f" "$out/bin/$binName"
  done
else
  "$RUSTC" "$@" --emit=link,metadata --out-dir "$out" -C extra-filename= --error-format=json \
    --remap-path-prefix "$src=/src" "$crateRoot"
fi
echo '@nix {"action":"setPhase","phase":"done"}'
