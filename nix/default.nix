# One derivation per cargo unit, from the units.json that `cargo-units nix` writes (this directory
# is copied there as lib/).
#
#   import ./lib { unitsJson = ./units.json; root = <workspace>; rustc = "/path/to/toolchain"; }
#
# Without nixpkgs (`pkgs = null`) every derivation is a plain `builtins.derivation` run by /bin/sh
# with the host's `cc`, and `rustc` is a toolchain directory (its bin/rustc is used) or a rustc
# binary. With nixpkgs, `pkgs.stdenv.mkDerivation` and `pkgs.rustc` are used instead.
#
# No string from a manifest is spliced into shell code: the builders (unit.sh, run.sh) are fixed
# files, and everything they need arrives as derivation attributes (environment variables), the
# rustc arguments one per line.
#
# `sources` picks each unit's src: "unit" (exactly its files, the point of all this), or, to
# compare, "package" (its package directory) or "tree" (the whole workspace), as other Nix
# toolchains for Rust do.
#
# Registry crates (units with `crate`) build from their crate's source alone: the vendored
# directory, or the `.crate` file fetched with Nix's builtin fetchurl and the lock's sha256
# (`crateSource = "fetch"` forces fetching). Nothing of the workspace enters their derivations, so
# a crate with the same version, features and toolchain is the same store path in every workspace.
#
# `crateOverrides.<package name> = { name, version, features }: { … }`, as nixpkgs'
# defaultCrateOverrides: `buildInputs` (directories whose bin/, lib/, include/, lib/pkgconfig are
# made available), `patches` (applied to a registry crate's source), and any other attribute as
# environment of the package's derivations (e.g. OPENSSL_DIR).
{ unitsJson, root, rustc ? null, pkgs ? null, contentAddressed ? false, sources ? "unit", system ? builtins.currentSystem
, crateSource ? null, crateOverrides ? { }
  # Opt-in and impure: a directory outside the store for rustc's incremental state of workspace
  # units (`cargo-units build --incremental`). Those derivations are marked (-incremental, no
  # substitutes) and must never be pushed to a binary cache.
, incremental ? null }:
let
  data = builtins.fromJSON (builtins.readFile unitsJson);
  b = builtins;
  rootStr = toString root;

  # File lists that depend on build-script cfgs decided with the generating rustc hold only for it.
  toolchainRelease = let ls = b.filter (l: b.isString l && b.substring 0 9 l == "release: ") (b.split "\n" data.toolchain);
    in if ls == [ ] then null else b.substring 9 (-1) (b.head ls);
  rustcBin =
    if pkgs != null then
      (if (data.rustcDecided or false) && toolchainRelease != null && pkgs.rustc.version != toolchainRelease
       then throw "cargo-units: units.json was generated with rustc ${toolchainRelease} and its file lists depend on build-script cfgs decided with it; pkgs.rustc is ${pkgs.rustc.version}: regenerate with that rustc"
       else "${pkgs.rustc}/bin/rustc")
    else if rustc == null then throw "cargo-units: pass `rustc` (a toolchain directory or a rustc binary), or `pkgs`"
    else if b.pathExists "${toString rustc}/bin/rustc" then "${toString rustc}/bin/rustc"
    else toString rustc;

  # "a/b/c" -> [ "a/b/c" "a/b" "a" ]
  ancestors = f: let
    parts = b.filter b.isString (b.split "/" f);
    go = n: if n == 0 then [ ] else [ (b.concatStringsSep "/" (b.genList (i: b.elemAt parts i) n)) ] ++ go (n - 1);
  in go (b.length parts);

  relOf = p: b.substring (b.stringLength rootStr + 1) (-1) (toString p);
  setOf = l: b.listToAttrs (map (p: { name = p; value = true; }) l);
  under = dir: rel: dir == "" || rel == dir || b.substring 0 (b.stringLength dir + 1) rel == dir + "/";

  # The unit's source: exactly its files (and their directories), relative to the workspace root.
  srcFor = id: let
    u = data.units.${id};
    keep = setOf (b.concatMap ancestors u.files);
  in b.path {
    path = root;
    name = "src-" + u.drvName;
    filter = p: t: keep ? ${relOf p};
  };

  excludedBy = list: rel: b.any (x: under x rel) list;
  dirSource = name: dir: exclude: b.path {
    path = root;
    inherit name;
    filter = p: t: let rel = relOf p; in (setOf (if dir == "" then [ ] else ancestors dir)) ? ${rel} || (under dir rel && !excludedBy exclude rel);
  };
  # A registry crate's source: vendored, or fetched (flat, checked against the lock's sha256) and unpacked.
  hostDrv = name: script: attrs: derivation (attrs // {
    inherit name system script;
    builder = "/bin/sh";
    args = [ "-e" script ];
    PATH = "/usr/local/bin:/usr/bin:/bin";
  });
  fetched = c: import <nix/fetchurl.nix> { url = c.url; sha256 = c.sha256; name = "${c.name}-${c.version}.crate"; };
  crateSrc = b.mapAttrs (key: c: let
    repo = b.fetchGit { url = c.git.url; rev = c.git.rev; allRefs = true; };
    plain = if c.vendor != null && crateSource != "fetch"
      then b.path { path = c.vendor; name = "crate-" + key; }
      else if c.git or null != null then
        (if c.git.subdir == "" then repo else b.path { path = "${repo}/${c.git.subdir}"; name = "crate-" + key; })
      else if c.sha256 == null then throw "cargo-units: crate ${key} has no sha256 in Cargo.lock; use a vendor directory"
      else hostDrv ("crate-" + key) ./unpack.sh { tarball = fetched c; };
    ov = overrideOf c.name { inherit (c) name version; features = [ ]; };
  in if (ov.patches or [ ]) == [ ] then plain
     else hostDrv ("crate-" + key + "-patched") ./patch.sh { src = plain; patches = ov.patches; }) data.crates;

  overrideOf = name: args: if crateOverrides ? ${name} then crateOverrides.${name} args else { };
  # A unit's override: its buildInputs become search paths (nativeInputs), the rest is env.
  ovOf = u: overrideOf u.package { name = u.package; version = u.env.CARGO_PKG_VERSION or ""; inherit (u) features; };
  inputsOf = u: map toString ((ovOf u).buildInputs or [ ]);
  overrideAttrs = u: b.removeAttrs (ovOf u) [ "buildInputs" "patches" ];

  unitSrc = id: let u = data.units.${id}; pkg = data.packages.${u.package}; in
    if u.crate != null then crateSrc.${u.crate}
    else if sources == "unit" then srcFor id
    else if sources == "package" then dirSource ("pkg-" + u.drvName) pkg.dir pkg.exclude
    else if sources == "tree" then dirSource ("tree-" + u.drvName) "" data.treeExclude
    else throw "cargo-units: sources must be \"unit\", \"package\" or \"tree\"";

  # A build script run's source: the paths its last run printed as rerun-if-changed (run.files,
  # learned by `cargo-units build`), else the package's own files as cargo lists them
  # (run.packageFiles: git-tracked, include/exclude, nested packages left out), else its package
  # directory minus target/ and nested packages.
  runSrcFor = id: if data.units.${id}.crate != null then crateSrc.${data.units.${id}.crate} else let
    r = data.units.${id}.run;
    own = r.packageFiles or null;
    up = setOf ((if r.dir == "" then [ ] else ancestors r.dir) ++ (if r.files == null then [ ] else b.concatMap ancestors r.files));
    ownSet = setOf (if own == null then [ ] else b.concatMap ancestors own);
    excluded = rel: b.any (x: under x rel) r.exclude;
    listed = rel: b.any (x: under x rel) r.files;
  in b.path {
    path = root;
    name = "pkgsrc-" + data.units.${id}.drvName;
    filter = p: t: let rel = relOf p; in up ? ${rel} || (if r.files != null then listed rel else if own != null then ownSet ? ${rel} else under r.dir rel && !excluded rel);
  };

  caAttrs = if contentAddressed then { __contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256"; } else { };

  mkDrv = name: script: attrs:
    if pkgs != null then
      pkgs.stdenv.mkDerivation (attrs // caAttrs // {
        inherit name;
        RUSTC = rustcBin;
        nativeBuildInputs = [ pkgs.rustc ];
        buildCommand = ". ${script}";
      })
    else
      derivation (attrs // caAttrs // {
        inherit name system;
        builder = "/bin/sh";
        args = [ "-e" script ];
        PATH = "/usr/local/bin:/usr/bin:/bin";
        RUSTC = rustcBin;
        # rustc -vV: a toolchain change changes every derivation.
        toolchain = data.toolchain;
      });

  # Every library the unit depends on, transitively: rustc needs them on -L dependency=.
  closure = id: let
    go = seen: ids: if ids == [ ] then seen else
      let h = b.head ids; rest = b.tail ids; in
      if seen ? ${h} then go seen rest else go (seen // { ${h} = true; }) (rest ++ map (d: d.id) data.units.${h}.deps);
  in b.attrNames (go { } (map (d: d.id) data.units.${id}.deps));

  lines = l: b.concatStringsSep "\n" l;
  # One argument per line, with `\` and newline escaped (unit.sh undoes it with printf %b): a
  # newline inside a name (cargo accepts one in a target name) stays inside its argument.
  argLines = l: lines (map (b.replaceStrings [ "\\" "\n" ] [ "\\\\" "\\n" ]) l);

  # Build-script runs, by the id of the build-script unit.
  runs = b.mapAttrs (id: u: let
    src = runSrcFor id;
    subst = v: b.replaceStrings [ "@src@" ] [ "${src}" ] v;
  in mkDrv ("run-" + u.drvName) ./run.sh (data.cfgEnv // b.mapAttrs (k: subst) u.run.env // overrideAttrs u // {
    inherit src;
    nativeInputs = lines (inputsOf u);
    package = "${u.package} v${u.env.CARGO_PKG_VERSION}";
    script = units.${id};
    # The compiled build script's file name under bin/: build-script-<stem of its path>
    # (`build = "build/main.rs"` gives build-script-main).
    scriptBin = u.binName;
    # "DEP_<LINKS>_<TAB>run output" per dependency with `links`, for DEP_* variables.
    linksDeps = lines (map (d: "${d.prefix}\t${runs.${d.id}}") u.run.linksDeps);
  })) (b.removeAttrs data.units (b.filter (id: data.units.${id}.kind != "custom-build") (b.attrNames data.units)));

  units = b.mapAttrs (id: u: let
    src = unitSrc id;
    run = if u.buildScript != null then runs.${u.buildScript} else null;
    subst = v: b.replaceStrings [ "@src@" "@out_dir@" ] [ "${src}" (if run != null then "${run}/out" else "") ] v;
    typeArgs = if u.cfgTest then [ "--test" ] else b.concatMap (t: [ "--crate-type" t ]) u.crateTypes;
    rustcArgs = [ "--crate-name" u.crateName "--edition=${u.edition}" ] ++ typeArgs
      ++ (if u.kind == "proc-macro" then [ "--extern" "proc_macro" ] else [ ])
      ++ (if u.capLints or null != null then [ "--cap-lints" u.capLints ] else [ ])
      ++ b.concatMap (f: [ "--cfg" "feature=\"${f}\"" ]) u.features
      ++ b.concatMap (c: [ "--cfg" c ]) u.cfgs
      ++ b.concatMap (c: [ "--check-cfg" c ]) u.checkCfgs
      ++ (if u.target != null then [ "--target" u.target ] else [ ])
      ++ [ "-C" "metadata=${u.metadata}" ]
      # The profile's flags (opt-level, debuginfo, debug-assertions, overflow-checks, lto, …).
      ++ (u.profileArgs or [ ])
      ++ b.concatMap (d: [ "--extern" "${d.externName}=${units.${d.id}}/${d.file}" ]) u.deps
      ++ map (d: "-Ldependency=${units.${d}}") (closure id);
    impure = incremental != null && u.crate == null;
  in mkDrv ("unit-" + u.drvName + (if impure then "-incremental" else "")) ./unit.sh (b.mapAttrs (k: subst) u.env // overrideAttrs u // (if impure then { incremental = toString incremental; allowSubstitutes = false; } else { }) // {
    inherit src;
    package = "${u.package} v${u.env.CARGO_PKG_VERSION}";
    crateRoot = u.crateRoot;
    rustcArgs = argLines rustcArgs;
    runOut = if run != null then "${run}" else "";
    # "package<TAB>run output" of every build script in the unit's closure, to name the crate
    # that asked for a native library the link cannot find.
    linkRuns = lines (b.concatMap (d: let v = data.units.${d}; in if v.buildScript != null then [ "${v.package} v${v.env.CARGO_PKG_VERSION}\t${runs.${v.buildScript}}" ] else [ ]) ([ id ] ++ closure id));
    # Its override's buildInputs; a linking unit gets those of its whole closure.
    nativeInputs = lines (if (u.linkKinds or [ ]) != [ ] then b.concatMap (d: inputsOf data.units.${d}) ([ id ] ++ closure id) else inputsOf u);
    # Set for units that link an executable: its file name under $out/bin.
    linkLibs = if u.linkLibs or true then "1" else "";
    binName = if u.binName != null then u.binName else "";
    # Which of the build script's rustc-link-arg* lines this unit takes (run.sh's link-flags kinds).
    linkKinds = b.concatStringsSep " " (u.linkKinds or [ ]);
  })) data.units;
in {
  inherit units runs srcFor crateSrc;
  runSrcFor = runSrcFor;
  all = b.attrValues units;
}
