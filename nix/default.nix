# One derivation per cargo unit, from the units.json `cargo-units nix` writes (copied there as lib/).
# import ./lib { unitsJson = ./units.json; root = <workspace>; rustc = "/path/to/toolchain or rustc"; }
# Plain builtins.derivation with /bin/sh and the host's cc; `pkgs` is accepted but not used yet.
{ unitsJson, root, rustc, pkgs ? null, contentAddressed ? false, system ? builtins.currentSystem }:
let
  data = builtins.fromJSON (builtins.readFile unitsJson);
  lib = builtins;
  rustcBin = if lib.pathExists "${rustc}/bin/rustc" then "${rustc}/bin/rustc" else rustc;
  rootStr = toString root;

  ancestors = f: let parts = lib.filter lib.isString (lib.split "/" f);
    go = n: if n == 0 then [] else [ (lib.concatStringsSep "/" (lib.genList (i: lib.elemAt parts i) n)) ] ++ go (n - 1);
  in go (lib.length parts);

  sanitize = s: lib.replaceStrings [ "/" "[" "]" "_" ] [ "-" "-" "" "_" ] s;

  srcFor = id: let
    u = data.units.${id};
    keep = lib.listToAttrs (map (p: { name = p; value = true; }) (lib.concatMap ancestors u.files));
  in lib.path {
    path = root;
    name = "src-" + sanitize id;
    filter = p: t: let rel = lib.substring (lib.stringLength rootStr + 1) (-1) (toString p); in keep ? ${rel};
  };

  pkgSrc = dir: lib.path {
    path = root + "/${dir}";
    name = "pkgsrc-" + sanitize dir;
    filter = p: t: !(t == "directory" && baseNameOf p == "target");
  };

  caAttrs = if contentAddressed then { __contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256"; } else {};

  mkDrv = name: attrs: derivation ({
    inherit name system;
    builder = "/bin/sh";
    PATH = "/usr/local/bin:/usr/bin:/bin";
    RUSTC = rustcBin;
    toolchain = data.toolchain;
  } // caAttrs // attrs);

  closure = id: let
    go = seen: ids: if ids == [] then seen else
      let h = lib.head ids; rest = lib.tail ids; in
      if seen ? ${h} then go seen rest else go (seen // { ${h} = true; }) (rest ++ map (d: d.id) data.units.${h}.deps);
  in lib.attrNames (go {} (map (d: d.id) data.units.${id}.deps));

  artifact = dep: let d = data.units.${dep}; in
    if d.kind == "proc-macro" then "${units.${dep}}/lib${d.crateName}.so" else "${units.${dep}}/lib${d.crateName}.rlib";

  # The build script run: whole package directory as source.
  runs = lib.listToAttrs (map (id: let u = data.units.${id}; src = pkgSrc u.packageDir; in {
    name = id;
    value = mkDrv ("run-" + sanitize id) {
      inherit src;
      script = units.${id};
      features = lib.concatStringsSep " " u.features;
      args = [ "-c" ''
        set -e
        mkdir -p $out/out
        export OUT_DIR=$out/out CARGO_MANIFEST_DIR=$src TARGET=${data.target} HOST=${data.target} PROFILE=debug OPT_LEVEL=0 DEBUG=true CARGO_PKG_NAME=${u.package}
        for f in $features; do export CARGO_FEATURE_$(echo "$f" | tr 'a-z-' 'A-Z_')=1; done
        eval "$($RUSTC --print cfg | awk -F= '{k=toupper($1); v=$2; gsub(/"/,"",v); if(k in m) m[k]=m[k]","v; else m[k]=v} END{for(k in m) printf "export CARGO_CFG_%s=\"%s\"\n",k,m[k]}')"
        cd $src
        $script/build-script-build > $out/output
        : > $out/flags; : > $out/env
        while IFS= read -r l; do case "$l" in
          cargo:rustc-cfg=*|cargo::rustc-cfg=*) printf -- '--cfg\n%s\n' "''${l#*rustc-cfg=}" >> $out/flags;;
          cargo:rustc-env=*|cargo::rustc-env=*) printf "export '%s'\n" "''${l#*rustc-env=}" >> $out/env;;
        esac; done < $out/output
      '' ];
    };
  }) (lib.filter (id: data.units.${id}.kind == "custom-build") (lib.attrNames data.units)));

  units = lib.mapAttrs (id: u: let
    src = srcFor id;
    run = if u.buildScript != null then runs.${u.buildScript} else null;
    subst = v: lib.replaceStrings [ "@src@" "@out_dir@" ] [ "${src}" (if run != null then "${run}/out" else "") ] v;
    envExports = lib.concatStringsSep "\n" (map (k: "export ${k}='${subst u.env.${k}}'") (lib.attrNames u.env));
    externs = lib.concatMap (d: [ "--extern" "${d.externName}=${artifact d.id}" ]) u.deps;
    ldeps = lib.concatMap (d: [ "-L" "dependency=${units.${d}}" ]) (closure id);
    typeArgs = if u.test then [ "--test" ] else lib.concatMap (t: [ "--crate-type" t ]) u.crateTypes;
    rustcArgs = [ "--crate-name" u.crateName "--edition=${u.edition}" ] ++ typeArgs
      ++ (if u.kind == "proc-macro" then [ "--extern" "proc_macro" ] else [])
      ++ lib.concatMap (f: [ "--cfg" "feature=\"${f}\"" ]) u.features
      ++ lib.concatMap (c: [ "--cfg" c ]) u.cfgs
      ++ externs ++ ldeps;
  in mkDrv ("unit-" + sanitize id) {
    inherit src rustcArgs;
    crateRoot = u.crateRoot;
    runOut = if run != null then run else "";
    outName = if u.kind == "custom-build" then "build-script-build" else u.name;
    args = [ "-c" ''
      set -e
      mkdir -p $out
      cd $src
      ${envExports}
      set -- $rustcArgs
      if [ -n "$runOut" ]; then
        while IFS= read -r a; do set -- "$@" "$a"; done < $runOut/flags
        . $runOut/env
      fi
      $RUSTC "$@" --emit=link,metadata --out-dir $out -C extra-filename= --cap-lints allow \
        --remap-path-prefix $src=/src $crateRoot
      ${if u.crateTypes == [ "bin" ] || u.test then ''[ -f $out/${u.crateName} ] && mv $out/${u.crateName} $out/$outName || true'' else ""}
    '' ];
  }) data.units;
in {
  inherit units srcFor runs;
  all = lib.attrValues units;
}
