/**
 * The parts of std (and of autocfg) the build-script interpreter models: `env::var`,
 * `Command::new($RUSTC).arg("--version").output()`, string, Option, Result, slice and iterator
 * methods. Anything else gives an unknown value; closures handed to it run in maybe mode.
 */
import type { Node } from 'web-tree-sitter';
import { GiveUp } from './items.js';
import type { Interp } from './interp.js';
import { recordMaybeName } from './output.js';
import { bool, err, FALSE, int, NONE, ok, some, str, textOf, TRUE, unknown, unknownIn, UNIT, type CommandObj, type Value } from './values.js';

const INT_TYPES = new Set(['u8', 'u16', 'u32', 'u64', 'u128', 'usize', 'i8', 'i16', 'i32', 'i64', 'i128', 'isize']);
const AUTOCFG_HAS = new Set(['emit_has_type', 'emit_has_path', 'emit_has_trait', 'emit_sysroot_crate']);
const AUTOCFG_CFG = new Set(['emit_path_cfg', 'emit_type_cfg', 'emit_trait_cfg', 'emit_expression_cfg', 'emit_constant_cfg']);

function parseInt(s: string, type: string | undefined): Value {
  const t = type?.replace(/[<>:\s]/g, '');
  if (t !== undefined && !INT_TYPES.has(t)) return unknown(`a \`parse::<${t}>()\``);
  const m = /^\+?(\d+)$/.exec(s);
  if (!m) return t !== undefined ? err(unknown('a parse error')) : unknown(`\`${s.slice(0, 20)}\`.parse() into a type cargo-units does not know`);
  const n = Number(m[1]);
  const max =
    t === undefined ? 127 : t.startsWith('u') ? 2 ** Math.min(Number(t.slice(1)) || 64, 53) - 1 : 2 ** Math.min((Number(t.slice(1)) || 64) - 1, 53) - 1;
  if (n > max || n > 2 ** 31) return t === undefined ? unknown('a parse into a type cargo-units does not know') : err(unknown('an overflow'));
  return ok(int(n));
}

/** An env lookup: `Ok(value)` / `Err(NotPresent)` / unknown. `RUSTC` is the rustc cargo-units knows. */
function envVar(it: Interp, args: Value[], n: Node, os: boolean): Value {
  const name = args[0] && textOf(args[0]);
  if (name === undefined) return unknown(unknownIn(args[0] ?? UNIT) ?? `an environment variable with a name computed at run time at ${it.at(n)}`);
  if (name === 'RUSTC') {
    const v: Value = { k: 'str', s: '$RUSTC', rustc: true };
    return os ? some(v) : ok(v);
  }
  const a = it.env.lookup(name, it.at(n));
  if ('set' in a) return os ? some(str(a.set)) : ok(str(a.set));
  if ('absent' in a) return os ? NONE : err(unknown('VarError::NotPresent'));
  return unknown(a.unknown);
}

export function callPath(it: Interp, segs: string[], args: Value[], n: Node, turbofish: string | undefined): Value {
  const last = segs[segs.length - 1]!;
  const key = segs.slice(-2).join('::');
  // Local functions first: `helper(x)`, `self::helper(x)`, `Type::method(x)` of an impl block.
  if (segs.length === 1) {
    if (last === 'Some') return some(args[0] ?? UNIT);
    if (last === 'Ok') return ok(args[0] ?? UNIT);
    if (last === 'Err') return err(args[0] ?? UNIT);
    if (it.items.fns.has(last)) return it.callFn(it.uniqueFn(last, n), args, undefined);
  } else if (segs.length === 2 && it.items.modules.has(segs[0]!) && it.items.fns.has(last)) {
    return it.callFn(it.uniqueFn(last, n), args, undefined);
  } else if (segs.length === 2 && it.items.methods.has(last)) {
    const defs = (it.items.methods.get(last) ?? []).filter((d) => d.impl === segs[0]);
    if (defs.length === 1) return it.callFn(defs[0]!, args, undefined);
    if (defs.length > 1) throw new GiveUp(`\`${key}\` is defined more than once (${it.at(n)})`);
  }
  switch (key) {
    case 'Option::Some':
      return some(args[0] ?? UNIT);
    case 'Result::Ok':
      return ok(args[0] ?? UNIT);
    case 'Result::Err':
      return err(args[0] ?? UNIT);
    case 'env::var':
      return envVar(it, args, n, false);
    case 'env::var_os':
      return envVar(it, args, n, true);
    case 'Command::new':
    case 'process::Command':
      return { k: 'command', program: args[0] ?? unknown('a program'), args: [], level: it.level } satisfies CommandObj;
    case 'str::from_utf8':
    case 'String::from_utf8':
      return args[0]?.k === 'str' ? ok(args[0]) : unknown(unknownIn(args[0] ?? UNIT) ?? `bytes at ${it.at(n)}`);
    case 'String::from_utf8_lossy':
    case 'String::from':
    case 'OsString::from':
      return args[0]?.k === 'str' ? args[0] : unknown(unknownIn(args[0] ?? UNIT) ?? `a string at ${it.at(n)}`);
    case 'String::new':
      return str('');
    case 'FromStr::from_str':
      return args[0]?.k === 'str' && !args[0].rustc ? parseInt(args[0].s, turbofish) : unknown(unknownIn(args[0] ?? UNIT) ?? `a number at ${it.at(n)}`);
    case 'process::exit':
      it.abort(n, `exit (\`${n.text.slice(0, 30)}\`)`, true);
      break;
    case 'version_check::is_min_version':
    case 'version_check::is_max_version':
    case 'version_check::is_exact_version': {
      // version_check compares `$RUSTC --verbose --version`'s release with a literal version.
      const want = args[0] && textOf(args[0]);
      const have = releaseOf(it);
      const w = want !== undefined ? /^(\d+)\.(\d+)\.(\d+)$/.exec(want) : null;
      if (!have || !w) return unknown(`\`${segs.join('::')}(…)\` at ${it.at(n)}`);
      it.usedVersion = true;
      const c = compareVersions(have, [Number(w[1]), Number(w[2]), Number(w[3])]);
      return some(bool(last === 'is_min_version' ? c >= 0 : last === 'is_max_version' ? c <= 0 : c === 0));
    }
    case 'autocfg::emit': {
      const name = args[0] && textOf(args[0]);
      if (name === undefined) it.printsAny(`autocfg::emit with a name computed at run time at ${it.at(n)}`);
      else it.print([`cargo:rustc-cfg=${name}\n`], n);
      return UNIT;
    }
  }
  if (segs.length === 2 && INT_TYPES.has(segs[0]!) && last === 'from_str') {
    return args[0]?.k === 'str' && !args[0].rustc ? parseInt(args[0].s, segs[0]) : unknown(unknownIn(args[0] ?? UNIT) ?? `a number at ${it.at(n)}`);
  }
  if (segs.some((s) => s === 'stdout' || s === 'Stdout')) it.printsAny(`writes to standard output at ${it.at(n)}`);
  for (const a of args) it.maybeRun(a, `a callback passed to \`${segs.join('::')}\` at ${it.at(n)}`);
  return unknown(`\`${segs.join('::')}(…)\` at ${it.at(n)}`);
}

/** The release of the known rustc (`1.95.0` → [1, 95, 0]); undefined when unknown or not a plain release. */
function releaseOf(it: Interp): [number, number, number] | undefined {
  const m = /^release:\s*(\d+)\.(\d+)\.(\d+)\s*$/m.exec(it.env.input.rustcVersion ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

function strArg(v: Value | undefined): string | undefined {
  return v === undefined ? undefined : textOf(v);
}

function mutate(it: Interp, o: CommandObj | { level: number; poisoned?: string }, n: Node): boolean {
  if (o.level < it.level) {
    o.poisoned ??= `changed where it may not run (${it.uncertainty()}, ${it.at(n)})`;
    return false;
  }
  return true;
}

export function callMethod(it: Interp, recv: Value, method: string, args: Value[], n: Node, recvNode: Node, turbofish: string | undefined): Value {
  const why = () => unknownIn(recv) ?? `\`${n.text.slice(0, 40)}\` at ${it.at(n)}`;
  const a0 = args[0];
  // Methods that only pass the value on.
  if (
    [
      'clone',
      'to_owned',
      'to_string',
      'into',
      'as_ref',
      'as_str',
      'borrow',
      'as_os_str',
      'as_bytes',
      'into_bytes',
      'as_slice',
      'deref',
      'as_deref',
      'by_ref',
      'iter',
      'into_iter',
    ].includes(method) &&
    args.length === 0
  ) {
    if (
      recv.k === 'str' ||
      recv.k === 'int' ||
      recv.k === 'bool' ||
      recv.k === 'char' ||
      recv.k === 'array' ||
      recv.k === 'iter' ||
      ((recv.k === 'opt' || recv.k === 'res') && (method === 'as_deref' || method === 'as_ref' || method === 'clone'))
    ) {
      if (recv.k === 'array' && (method === 'iter' || method === 'into_iter')) return { k: 'iter', items: recv.items, pos: 0, level: it.level };
      // A cloned iterator advances on its own.
      if (recv.k === 'iter' && method === 'clone')
        return recv.poisoned ? unknown(recv.poisoned) : { k: 'iter', items: recv.items, pos: recv.pos, level: it.level };
      if (recv.k === 'int' && method === 'to_string') return str(String(recv.n));
      return recv;
    }
  }
  switch (recv.k) {
    case 'str': {
      if (recv.rustc) break;
      const s = recv.s;
      const t = strArg(a0);
      switch (method) {
        case 'into_string':
          return ok(recv);
        case 'to_str':
          return some(recv);
        case 'to_string_lossy':
          return recv;
        case 'len':
          return int(s.length);
        case 'is_empty':
          return bool(s.length === 0);
        case 'trim':
          return str(s.trim());
        case 'trim_start':
          return str(s.trimStart());
        case 'trim_end':
          return str(s.trimEnd());
        case 'to_lowercase':
        case 'to_ascii_lowercase':
          return str(s.toLowerCase());
        case 'to_uppercase':
        case 'to_ascii_uppercase':
          return str(s.toUpperCase());
        case 'starts_with':
          if (t !== undefined) return bool(s.startsWith(t));
          break;
        case 'ends_with':
          if (t !== undefined) return bool(s.endsWith(t));
          break;
        case 'contains':
          if (t !== undefined) return bool(s.includes(t));
          break;
        case 'eq':
          if (t !== undefined) return bool(s === t);
          break;
        case 'strip_prefix':
          if (t !== undefined) return s.startsWith(t) ? some(str(s.slice(t.length))) : NONE;
          break;
        case 'strip_suffix':
          if (t !== undefined) return s.endsWith(t) ? some(str(s.slice(0, s.length - t.length))) : NONE;
          break;
        case 'find':
          if (t !== undefined) return s.indexOf(t) >= 0 ? some(int(s.indexOf(t))) : NONE;
          break;
        case 'replace':
          if (t !== undefined && strArg(args[1]) !== undefined && t !== '') return str(s.split(t).join(strArg(args[1])!));
          break;
        case 'split':
          if (t !== undefined && t !== '') return { k: 'iter', items: s.split(t).map(str), pos: 0, level: it.level };
          break;
        case 'splitn':
          if (args[0]?.k === 'int' && strArg(args[1]) !== undefined && strArg(args[1]) !== '') {
            const parts = s.split(strArg(args[1])!);
            const k = args[0].n;
            const items = parts.length > k ? [...parts.slice(0, k - 1), parts.slice(k - 1).join(strArg(args[1])!)] : parts;
            return { k: 'iter', items: items.map(str), pos: 0, level: it.level };
          }
          break;
        case 'split_once':
          if (t !== undefined && t !== '') {
            const i = s.indexOf(t);
            return i < 0 ? NONE : some({ k: 'tuple', items: [str(s.slice(0, i)), str(s.slice(i + t.length))] });
          }
          break;
        case 'split_whitespace':
          return {
            k: 'iter',
            items: s
              .split(/\s+/)
              .filter((x) => x !== '')
              .map(str),
            pos: 0,
            level: it.level,
          };
        case 'lines':
          return {
            k: 'iter',
            items: s
              .split('\n')
              .map((l) => str(l.endsWith('\r') ? l.slice(0, -1) : l))
              .filter((_, i, all) => i < all.length - 1 || s.split('\n')[i] !== ''),
            pos: 0,
            level: it.level,
          };
        case 'chars':
          return { k: 'iter', items: [...s].map((c) => ({ k: 'char', c }) as Value), pos: 0, level: it.level };
        case 'parse':
          return parseInt(s, turbofish);
      }
      break;
    }
    case 'opt':
    case 'res': {
      const present = recv.k === 'opt' ? recv.some !== undefined : recv.ok;
      const inner = recv.k === 'opt' ? recv.some : recv.v;
      switch (method) {
        case 'is_some':
        case 'is_ok':
          return bool(present);
        case 'is_none':
        case 'is_err':
          return bool(!present);
        case 'ok':
          return recv.k === 'res' ? (present ? some(inner!) : NONE) : recv;
        case 'err':
          return recv.k === 'res' ? (present ? NONE : some(inner!)) : recv;
        case 'unwrap':
        case 'expect':
          if (present) return inner!;
          it.abort(n, `panic (\`${method}\` on ${recv.k === 'opt' ? 'None' : 'Err'})`);
          break;
        case 'unwrap_or':
          return present ? inner! : (a0 ?? unknown('a default'));
        case 'unwrap_or_default':
          return present ? inner! : unknown(`a default value at ${it.at(n)}`);
        case 'unwrap_or_else':
          return present ? inner! : it.call(a0 ?? UNIT, recv.k === 'res' ? [inner!] : [], n);
        case 'map':
          if (!present) return recv;
          return recv.k === 'opt' ? some(it.call(a0 ?? UNIT, [inner!], n)) : ok(it.call(a0 ?? UNIT, [inner!], n));
        case 'map_err':
          return present ? recv : err(it.call(a0 ?? UNIT, [inner!], n));
        case 'and_then':
          return present ? it.call(a0 ?? UNIT, [inner!], n) : recv;
        case 'or_else':
          return present ? recv : it.call(a0 ?? UNIT, recv.k === 'res' ? [inner!] : [], n);
        case 'map_or':
          return present ? it.call(args[1] ?? UNIT, [inner!], n) : (a0 ?? unknown('a default'));
        case 'ok_or':
        case 'ok_or_else':
          if (recv.k === 'opt') return present ? ok(inner!) : err(method === 'ok_or' ? (a0 ?? UNIT) : it.call(a0 ?? UNIT, [], n));
          break;
        case 'filter':
          if (recv.k === 'opt') {
            if (!present) return recv;
            const keep = it.call(a0 ?? UNIT, [inner!], n);
            return keep.k === 'bool' ? (keep.b ? recv : NONE) : unknown(unknownIn(keep) ?? 'a filter');
          }
          break;
      }
      break;
    }
    case 'iter': {
      if (recv.poisoned) break;
      switch (method) {
        case 'next':
          if (!mutate(it, recv, n)) return unknown(recv.poisoned!);
          return recv.pos < recv.items.length ? some(recv.items[recv.pos++]!) : NONE;
        case 'nth': {
          if (a0?.k !== 'int') break;
          if (!mutate(it, recv, n)) return unknown(recv.poisoned!);
          recv.pos += a0.n;
          return recv.pos < recv.items.length ? some(recv.items[recv.pos++]!) : NONE;
        }
        case 'last':
          return recv.pos < recv.items.length ? some(recv.items[recv.items.length - 1]!) : NONE;
        case 'count':
          return int(recv.items.length - recv.pos);
        case 'collect':
          if (turbofish && /String/.test(turbofish)) break;
          return { k: 'array', items: recv.items.slice(recv.pos) };
        case 'any':
        case 'all': {
          for (const x of recv.items.slice(recv.pos)) {
            const r = it.call(a0 ?? UNIT, [x], n);
            if (r.k !== 'bool') return unknown(unknownIn(r) ?? 'a predicate');
            if (r.b === (method === 'any')) return r;
          }
          return bool(method === 'all');
        }
      }
      break;
    }
    case 'array':
      switch (method) {
        case 'len':
          return int(recv.items.length);
        case 'is_empty':
          return bool(recv.items.length === 0);
        case 'contains': {
          if (!a0) break;
          let maybe = false;
          for (const x of recv.items) {
            const e =
              x.k === 'unknown' || a0.k === 'unknown' ? undefined : textOf(x) !== undefined && textOf(a0) !== undefined ? textOf(x) === textOf(a0) : undefined;
            if (e === true) return TRUE;
            if (e === undefined) maybe = true;
          }
          return maybe ? unknown(unknownIn(a0) ?? why()) : FALSE;
        }
        case 'first':
          return recv.items.length ? some(recv.items[0]!) : NONE;
        case 'last':
          return recv.items.length ? some(recv.items[recv.items.length - 1]!) : NONE;
        case 'get':
          if (a0?.k === 'int') return a0.n < recv.items.length ? some(recv.items[a0.n]!) : NONE;
          break;
        case 'join': {
          const sep = strArg(a0);
          const parts = recv.items.map((x) => textOf(x));
          if (sep !== undefined && parts.every((p) => p !== undefined)) return str(parts.join(sep));
          break;
        }
      }
      break;
    case 'command':
      if (recv.poisoned) break;
      switch (method) {
        case 'arg':
          if (mutate(it, recv, n)) recv.args.push(a0 ?? unknown('an argument'));
          return recv;
        case 'args':
          if (mutate(it, recv, n)) {
            if (a0?.k === 'array') recv.args.push(...a0.items);
            else recv.poisoned = `arguments computed at run time at ${it.at(n)}`;
          }
          return recv;
        case 'current_dir':
        case 'stdin':
        case 'stderr':
          return recv;
        case 'output': {
          const args2 = recv.args.map((x) => textOf(x));
          if (recv.program.k === 'str' && recv.program.rustc && args2.every((x) => x !== undefined)) {
            const out = it.env.rustcOutput(args2 as string[]);
            if (out !== undefined) {
              it.usedVersion = true;
              return ok({ k: 'output', stdout: str(out), success: true });
            }
            return unknown(
              `the output of \`$RUSTC ${args2.join(' ')}\` (${it.env.input.rustcVersion === undefined ? 'rustc was not run' : 'only `--version` and `-vV` are known'}) at ${it.at(n)}`,
            );
          }
          return unknown(
            `the output of running \`${textOf(recv.program) ?? (recv.program.k === 'str' && recv.program.rustc ? '$RUSTC' : 'a program')}\` at ${it.at(n)}`,
          );
        }
        case 'status':
        case 'spawn':
          // The child writes to our standard output: it may print cfgs.
          it.printsAny(`runs a command whose output cargo reads at ${it.at(n)}`);
          return unknown(`a command's result at ${it.at(n)}`);
        default:
          recv.poisoned = `\`Command::${method}\` at ${it.at(n)}`;
      }
      break;
    case 'bool':
      // `output.status.success()`: the status is kept as a bool.
      if (method === 'success') return recv;
      if (method === 'then_some') return recv.b ? some(a0 ?? UNIT) : NONE;
      break;
    case 'int':
      if (method === 'to_string') return str(String(recv.n));
      break;
    case 'char':
      if (method === 'is_ascii_digit' || method === 'is_numeric') return bool(/[0-9]/.test(recv.c));
      break;
    case 'unknown': {
      // autocfg's AutoCfg (or another build-dependency's object): `emit*` prints cfgs.
      if (method.startsWith('emit')) {
        const lit = (k: number) => strArg(args[k]);
        let name: string | undefined;
        if (method === 'emit_rustc_version' && args[0]?.k === 'int' && args[1]?.k === 'int') {
          name = `rustc_${args[0].n}_${args[1].n}`;
          // autocfg compares the version of $RUSTC (an AutoCfg exists only if it could read it).
          const have = releaseOf(it);
          if (have && recvNode.type === 'identifier') {
            it.usedVersion = true;
            if (compareVersions(have, [args[0].n, args[1].n, 0]) >= 0) it.print([`cargo:rustc-cfg=${name}\n`], n);
            return UNIT;
          }
        } else if (AUTOCFG_HAS.has(method)) name = lit(0) !== undefined ? `has_${lit(0)!.replace(/[^A-Za-z0-9]/g, '_')}` : undefined;
        else if (AUTOCFG_CFG.has(method)) name = lit(1);
        else if (method === 'emit') name = lit(0);
        if (name === undefined) it.printsAny(`\`${method}\` with a cfg computed at run time at ${it.at(n)}`);
        else recordMaybeName(it.out, name, `autocfg probes the compiler (\`${method}\` at ${it.at(n)})`);
      }
      break;
    }
  }
  // A method cargo-units does not model may change its receiver (`v.push(x)`, `s.clear()`).
  if (recv.k !== 'unknown') it.changed(recvNode);
  // A method of a local impl block may be what is called: run every candidate in maybe mode.
  for (const d of it.items.methods.get(method) ?? []) {
    it.maybe(`\`${recvNode.text.slice(0, 30)}.${method}(…)\` at ${it.at(n)}`, () =>
      it.callFn(
        d,
        args.map(() => unknown('an argument')),
        unknown('`self`'),
      ),
    );
  }
  for (const a of args) it.maybeRun(a, `a callback passed to \`${method}\` at ${it.at(n)}`);
  return unknown(unknownIn(recv) ?? `\`.${method}(…)\` at ${it.at(n)}`);
}
