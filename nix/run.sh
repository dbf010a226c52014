# Builder that runs a compiled build script (POSIX sh, run with -e), as cargo would: cwd is the
# package directory, OUT_DIR is $out/out, and the cargo variables (CARGO_MANIFEST_DIR,
# CARGO_FEATURE_*, CARGO_CFG_*, TARGET, HOST, PROFILE, OPT_LEVEL, DEBUG, RUSTC, CARGO_PKG_*)
# arrive as derivation attributes; the script is $script/bin/$scriptBin. Its `cargo:` / `cargo::`
# directives are written to:
#   $out/flags       rustc arguments for every unit of the package, one per line
#   $out/link-libs   `-l` arguments (rustc-link-lib): for the package's library only, or for every
#                    unit when it has none, as cargo passes them
#   $out/link-flags  KIND<TAB>link argument, for units that link (KIND: all, bins, bin=NAME, tests,
#                    examples, benches, cdylib)
#   $out/env         KEY=VALUE lines (rustc-env)
#   $out/metadata    KEY=VALUE lines (DEP_<links>_<KEY> for dependents' build scripts)
#   $out/rerun-if-changed, $out/output (the script's whole stdout)
# No value is ever evaluated as shell code.
echo '@nix {"action":"setPhase","phase":"build-script"}'
set -f
mkdir -p "$out/out"
export OUT_DIR="$out/out"
tab=$(printf '\t')
while IFS="$tab" read -r prefix dep; do
  [ -n "$dep" ] || continue
  while IFS= read -r kv; do
    key=$(printf '%s' "${kv%%=*}" | tr 'a-z-' 'A-Z_')
    export "$prefix$key=${kv#*=}"
  done < "$dep/metadata"
done <<EOF
$linksDeps
EOF
# crateOverrides' buildInputs: their bin/, lib/, include/ and lib/pkgconfig.
while IFS= read -r d; do
  [ -n "$d" ] || continue
  PATH="$d/bin:$PATH"; LIBRARY_PATH="$d/lib${LIBRARY_PATH:+:$LIBRARY_PATH}"
  C_INCLUDE_PATH="$d/include${C_INCLUDE_PATH:+:$C_INCLUDE_PATH}"; PKG_CONFIG_PATH="$d/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  export PATH LIBRARY_PATH C_INCLUDE_PATH PKG_CONFIG_PATH

done <<EOF
${nativeInputs:-}
EOF
cd "$CARGO_MANIFEST_DIR"
if ! "$script/bin/$scriptBin" > "$out/output"; then
  echo "build script of \`${package:-?}\` failed; its output:" >&2
  cat "$out/output" >&2
  exit 1
fi
: > "$out/flags"; : > "$out/link-libs"; : > "$out/link-flags"; : > "$out/env"; : > "$out/metadata"; : > "$out/rerun-if-changed"
failed=
while IFS= read -r line; do
  case "$line" in
    cargo::*) d=${line#cargo::}; new=1 ;;
    cargo:*) d=${line#cargo:}; new= ;;
    *) continue ;;
  esac
  key=${d%%=*}
  val=${d#*=}
  [ "$key" != "$d" ] || continue
  case "$key" in
    rustc-cfg) printf -- '--cfg\n%s\n' "$val" >> "$out/flags" ;;
    rustc-check-cfg) printf -- '--check-cfg\n%s\n' "$val" >> "$out/flags" ;;
    rustc-link-lib) printf -- '-l\n%s\n' "$val" >> "$out/link-libs" ;;
    rustc-link-search) printf -- '-L\n%s\n' "$val" >> "$out/flags" ;;
    # Only -l and -L, as cargo accepts them: `-l foo`, `-lfoo`, `-L dir`, `-Ldir`.
    rustc-flags)
      f=
      for w in $val; do
        case "$f$w" in
          -l) f=-l ;;
          -L) f=-L ;;
          -l*) printf -- '-l\n%s\n' "${w#-l}" >> "$out/link-libs"; f= ;;
          -L*) printf -- '-L\n%s\n' "${w#-L}" >> "$out/flags"; f= ;;
          *) printf 'error: only `-l` and `-L` flags are allowed in rustc-flags, got `%s`\n' "$w" >&2; failed=1 ;;
        esac
      done ;;
    # "KIND<TAB>ARG": unit.sh passes `-C link-arg=ARG` to the linking units of that kind.
    rustc-link-arg) printf 'all\t%s\n' "$val" >> "$out/link-flags" ;;
    rustc-link-arg-bins|rustc-link-arg-tests|rustc-link-arg-examples|rustc-link-arg-benches)
      printf '%s\t%s\n' "${key#rustc-link-arg-}" "$val" >> "$out/link-flags" ;;
    rustc-link-arg-bin) printf 'bin=%s\t%s\n' "${val%%=*}" "${val#*=}" >> "$out/link-flags" ;;
    rustc-cdylib-link-arg) printf 'cdylib\t%s\n' "$val" >> "$out/link-flags" ;;
    rustc-env) printf '%s\n' "$val" >> "$out/env" ;;
    rerun-if-changed) printf '%s\n' "$val" >> "$out/rerun-if-changed" ;;
    rerun-if-env-changed) ;;
    warning) printf 'warning: %s\n' "$val" >&2 ;;
    error) printf 'error: %s\n' "$val" >&2; failed=1 ;;
    metadata) [ -n "$new" ] && printf '%s\n' "$val" >> "$out/metadata" ;;
    *) [ -z "$new" ] && printf '%s=%s\n' "$key" "$val" >> "$out/metadata" ;;
  esac
done < "$out/output"
[ -z "$failed" ]
echo '@nix {"action":"setPhase","phase":"done"}'
