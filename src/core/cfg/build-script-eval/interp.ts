/**
 * An abstract interpreter for build scripts: runs `fn main` on tree-sitter's syntax tree under the
 * environment cargo-units knows (env.ts). Every construct it does not model gives an unknown
 * value; a condition that is unknown runs every branch in "maybe" mode (a print there may or may
 * not happen, an assignment there makes the variable unknown, a `return` there makes the rest of
 * the function maybe); a loop body runs once in maybe mode, after making unknown every variable
 * it may change. What cannot be handled soundly throws GiveUp.
 */
import type { Node, Parser } from 'web-tree-sitter';
import { tokenize } from '../../syntax/tokens.js';
import { expandCall } from '../../scan/macros/expand.js';
import { GiveUp, Items, pathSegments, type FnDef } from './items.js';
import { recordAny, recordPrint, type Part, type Printed, newPrinted } from './output.js';
import { Exit, Leave, MaybeLeave, Vars, type ExitScope } from './state.js';
import { callMethod, callPath } from './std.js';
import { matchPattern } from './patterns.js';
import { formatArgs } from './format.js';
import { binaryOp, compoundAssign, unaryOp } from './operators.js';
import { macroCall } from './macros.js';
import { decodeChar, mutatedNames } from './syntax.js';
import type { ScriptEnv } from './env.js';
import { bool, int, join, NONE, str, unknown, unknownIn, UNIT, type Value } from './values.js';

const MAX_DEPTH = 48;
const MAX_STEPS = 200_000;

interface Closure {
  k: 'closure';
  params: Node[];
  body: Node;
  scope: Vars;
  at: string;
}

export class Interp {
  readonly items = new Items();
  readonly out: Printed = newPrinted();
  level = 0;
  private readonly why: { why: string }[] = [];
  afterExit: string | undefined;
  private readonly exits: ExitScope[] = [];
  private depth = 0;
  private steps = 0;
  /** Set when a decision used `$RUSTC --version`. */
  usedVersion = false;
  private readonly globals = new Vars(undefined);
  private readonly constValues = new Map<string, Value>();
  private file = '';
  /** Trees of macro arguments and expansions, deleted at the end. */
  private readonly extraTrees: { delete(): void }[] = [];
  private readonly parsedMacros = new Map<string, Node>();

  constructor(
    readonly env: ScriptEnv,
    private readonly parser: Parser,
  ) {}

  dispose(): void {
    for (const t of this.extraTrees) t.delete();
  }

  /** Runs `fn main`. */
  run(): Printed {
    const mains = this.items.fns.get('main') ?? [];
    if (mains.length !== 1) throw new GiveUp(mains.length === 0 ? 'the build script has no `fn main`' : 'the build script defines `main` more than once');
    try {
      this.callFn(mains[0]!, [], undefined);
    } catch (e) {
      if (!(e instanceof Exit)) throw e;
    }
    return this.out;
  }

  // ---- where and why ----

  at(n: Node): string {
    return `${this.file}:${n.startPosition.row + 1}`;
  }

  /** Why the current path may not run; undefined when it certainly runs. */
  uncertainty(): string | undefined {
    if (this.level === 0 && this.afterExit === undefined) return undefined;
    return this.why[this.why.length - 1]?.why ?? this.afterExit ?? 'a branch may not run';
  }

  step(n: Node): void {
    if (++this.steps > MAX_STEPS) throw new GiveUp(`the build script runs too long to follow (${this.at(n)})`);
  }

  /** Runs `f` on a path that may not run. A leave inside ends the branch and makes the rest of its target maybe. */
  maybe<T>(why: string, f: () => T): T | undefined {
    const entry = { why };
    this.level++;
    this.why.push(entry);
    const pop = () => {
      this.why.splice(this.why.lastIndexOf(entry), 1);
      this.level--;
    };
    let result: T;
    try {
      result = f();
    } catch (e) {
      pop();
      if (!(e instanceof MaybeLeave)) throw e;
      if (e.target !== 'program') this.raise(e.target, e.why);
      return undefined;
    }
    pop();
    return result;
  }

  /** The rest of `scope` may not run (a return or break may have happened before). */
  private raise(scope: ExitScope, why: string): void {
    const entry = { why };
    this.level++;
    this.why.push(entry);
    scope.raised.push(entry);
  }

  private exitScope(scope: ExitScope): void {
    for (const e of scope.raised) {
      const i = this.why.lastIndexOf(e);
      if (i >= 0) this.why.splice(i, 1);
      this.level--;
    }
    scope.raised.length = 0;
  }

  /** Leaves to `target`: definitely when no maybe branch is open inside it, else maybe. */
  leave(target: ExitScope, kind: 'return' | 'break' | 'continue', value: Value, n: Node): never {
    if (this.level === target.entryLevel + target.raised.length) throw new Leave(target, kind, value);
    if (kind !== 'continue') target.values.push(value);
    throw new MaybeLeave(target, `a \`${kind}\` may have happened before (${this.uncertainty()}, ${this.at(n)})`);
  }

  /** A panic or `process::exit`: the script stops (certain: give up, as our model predicts a failed build), or may stop. */
  abort(n: Node, what: string, exitOk = false): never {
    const why = this.uncertainty();
    if (why === undefined) {
      if (exitOk) throw new Exit();
      throw new GiveUp(`the build script would ${what} at ${this.at(n)}`);
    }
    this.afterExit ??= `the script may ${what} before (${why}, ${this.at(n)})`;
    throw new MaybeLeave('program', this.afterExit);
  }

  fnScope(): ExitScope {
    for (let i = this.exits.length - 1; i >= 0; i--) if (this.exits[i]!.kind === 'fn') return this.exits[i]!;
    throw new GiveUp('`return` outside a function');
  }

  // ---- calls ----

  callFn(def: FnDef, args: Value[], self: Value | undefined): Value {
    if (++this.depth > MAX_DEPTH) throw new GiveUp(`the build script calls too deeply (${def.file}:${def.node.startPosition.row + 1})`);
    const savedFile = this.file;
    this.file = def.file;
    try {
      const vars = new Vars(this.globals);
      const params = def.node.childForFieldName('parameters')?.namedChildren ?? [];
      let i = 0;
      for (const p of params) {
        if (!p) continue;
        if (p.type === 'self_parameter') {
          vars.declare('self', self ?? unknown('`self`'), this.level);
          continue;
        }
        if (p.type !== 'parameter') continue;
        const pat = p.childForFieldName('pattern');
        const v = args[i++] ?? unknown(`an argument of \`${def.node.childForFieldName('name')?.text}\``);
        if (pat) this.bindIrrefutable(pat, v, vars);
      }
      const body = def.node.childForFieldName('body');
      if (!body) return unknown('a function without a body');
      return this.runBody(body, vars, `${def.node.childForFieldName('name')?.text ?? 'fn'}`);
    } finally {
      this.file = savedFile;
      this.depth--;
    }
  }

  callClosure(c: Closure, args: Value[]): Value {
    if (++this.depth > MAX_DEPTH) throw new GiveUp(`the build script calls too deeply (${c.at})`);
    try {
      const vars = new Vars(c.scope);
      c.params.forEach((p, i) => {
        const pat = p.type === 'parameter' ? p.childForFieldName('pattern') : p;
        if (pat) this.bindIrrefutable(pat, args[i] ?? unknown('a closure argument'), vars);
      });
      return this.runBody(c.body, vars, 'closure');
    } finally {
      this.depth--;
    }
  }

  private runBody(body: Node, vars: Vars, name: string): Value {
    const scope: ExitScope = { kind: 'fn', label: undefined, entryLevel: this.level, raised: [], values: [] };
    this.exits.push(scope);
    let result: Value;
    try {
      const v = this.evalIn(body, vars);
      result = scope.raised.length > 0 || scope.values.length > 0 ? scope.values.reduce((a, b) => join(a, b, `what \`${name}\` returns`), v) : v;
    } catch (e) {
      if (e instanceof Leave && e.target === scope) result = scope.values.reduce((a, b) => join(a, b, `what \`${name}\` returns`), e.value);
      else if (e instanceof MaybeLeave && e.target === scope) {
        result = scope.values.length ? scope.values.reduce((a, b) => join(a, b, `what \`${name}\` returns`)) : unknown(`what \`${name}\` returns`);
      } else throw e;
    } finally {
      this.exits.pop();
      this.exitScope(scope);
    }
    return result;
  }

  /** Calls a closure or function value on a path that may not run, with unknown arguments (it was passed to code we do not model). */
  maybeRun(v: Value, why: string): void {
    if (v.k !== 'closure' && v.k !== 'fn') return;
    this.maybe(why, () => {
      if (v.k === 'closure') {
        const c = v as unknown as Closure;
        c.scope.poison(mutatedNames(c.body), `changed by a closure that may run any number of times (${c.at})`);
        return this.callClosure(c, []);
      }
      const defs = this.items.fns.get(v.name) ?? [];
      for (const d of defs) {
        this.callFn(d, [], undefined);
      }
      return UNIT;
    });
  }

  /** Calls a callable value (closure or fn item) with known arguments, on the current path. */
  call(f: Value, args: Value[], n: Node): Value {
    if (f.k === 'closure') return this.callClosure(f as unknown as Closure, args);
    if (f.k === 'fn') return this.callFn(this.uniqueFn(f.name, n), args, undefined);
    for (const a of args) this.maybeRun(a, `a callback passed to code cargo-units does not model (${this.at(n)})`);
    return unknown(`a call cargo-units does not model at ${this.at(n)}`);
  }

  uniqueFn(name: string, n: Node): FnDef {
    const defs = this.items.fns.get(name) ?? [];
    if (defs.length !== 1) throw new GiveUp(`\`${name}\` is defined more than once in the build script (${this.at(n)})`);
    return defs[0]!;
  }

  // ---- evaluation ----

  private vars = this.globals;

  /** The value of a variable in scope (format strings' inline captures). */
  lookup(name: string): Value | undefined {
    return this.vars.find(name)?.v;
  }

  evalIn(n: Node, vars: Vars): Value {
    const saved = this.vars;
    this.vars = vars;
    try {
      return this.eval(n);
    } finally {
      this.vars = saved;
    }
  }

  eval(n: Node): Value {
    this.step(n);
    switch (n.type) {
      case 'block':
        return this.block(n);
      case 'unsafe_block':
        return this.block(n.namedChildren.find((c) => c?.type === 'block') ?? n);
      case 'parenthesized_expression':
        return this.eval(n.namedChildren[0]!);
      case 'expression_statement':
        return this.eval(n.namedChildren[0]!);
      case 'string_literal':
      case 'raw_string_literal': {
        const t = tokenize(n.text)[0];
        return str(t?.kind === 'literal' ? (t.value ?? '') : '');
      }
      case 'char_literal': {
        const c = decodeChar(n.text);
        return c !== undefined ? { k: 'char', c } : unknown('a character literal');
      }
      case 'integer_literal': {
        const m = /^(\d[\d_]*)/.exec(n.text);
        return m ? int(Number(m[1]!.replace(/_/g, ''))) : unknown(`the number \`${n.text}\``);
      }
      case 'boolean_literal':
        return bool(n.text === 'true');
      case 'unit_expression':
        return UNIT;
      case 'identifier':
        return this.ident(n);
      case 'self':
        return this.vars.find('self')?.v ?? unknown('`self`');
      case 'scoped_identifier':
        return this.path(n);
      case 'tuple_expression':
        return { k: 'tuple', items: n.namedChildren.filter((c) => c && !c.type.endsWith('comment')).map((c) => this.eval(c!)) };
      case 'array_expression': {
        if (n.childForFieldName('length')) return unknown(`an array \`[x; n]\` at ${this.at(n)}`);
        return { k: 'array', items: n.namedChildren.filter((c) => c && !c.type.endsWith('comment') && c.type !== 'attribute_item').map((c) => this.eval(c!)) };
      }
      case 'reference_expression': {
        const inner = n.childForFieldName('value')!;
        const v = this.eval(inner);
        return v;
      }
      case 'unary_expression':
        return unaryOp(this, n);
      case 'binary_expression':
        return binaryOp(this, n);
      case 'type_cast_expression': {
        const v = this.eval(n.childForFieldName('value')!);
        return v.k === 'int' || v.k === 'bool' ? (v.k === 'bool' ? int(v.b ? 1 : 0) : v) : unknown(`a cast at ${this.at(n)}`);
      }
      case 'assignment_expression':
        return this.assign(n);
      case 'compound_assignment_expr':
        return compoundAssign(this, n);
      case 'let_declaration':
        return this.letDecl(n);
      case 'if_expression':
        return this.ifExpr(n);
      case 'match_expression':
        return this.matchExpr(n);
      case 'loop_expression':
      case 'while_expression':
      case 'for_expression':
        return this.loop(n);
      case 'return_expression': {
        const arg = n.namedChildren[0];
        const v = arg ? this.eval(arg) : UNIT;
        this.leave(this.fnScope(), 'return', v, n);
        break;
      }
      case 'break_expression':
      case 'continue_expression': {
        const label = n.namedChildren.find((c) => c?.type === 'label')?.text.replace(/^'/, '');
        const valueNode = n.namedChildren.find((c) => c && c.type !== 'label');
        const v = valueNode ? this.eval(valueNode) : UNIT;
        const target = this.loopScope(label, n);
        this.leave(target, n.type === 'break_expression' ? 'break' : 'continue', v, n);
        break;
      }
      case 'try_expression':
        return this.tryExpr(n);
      case 'call_expression':
        return this.callExpr(n);
      case 'macro_invocation':
        return this.macro(n);
      case 'closure_expression': {
        const params = n.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => !!c) ?? [];
        return { k: 'closure', params, body: n.childForFieldName('body')!, scope: this.vars, at: this.at(n) } as unknown as Value;
      }
      case 'field_expression':
        return this.field(n);
      case 'index_expression':
        return this.index(n);
      case 'generic_function':
        return this.eval(n.childForFieldName('function')!);
      case 'empty_statement':
      case 'line_comment':
      case 'block_comment':
      case 'attribute_item':
      case 'inner_attribute_item':
      case 'function_item':
      case 'use_declaration':
      case 'const_item':
      case 'static_item':
      case 'macro_definition':
      case 'struct_item':
      case 'enum_item':
      case 'impl_item':
      case 'trait_item':
      case 'type_item':
      case 'mod_item':
        return UNIT;
      case 'range_expression':
        for (const c of n.namedChildren) if (c) this.eval(c);
        return unknown(`a range at ${this.at(n)}`);
      case 'struct_expression': {
        const name = (pathSegments(n.childForFieldName('name')!) ?? ['?']).pop()!;
        const fields: Record<string, Value> = {};
        let complete = true;
        for (const c of n.childForFieldName('body')?.namedChildren ?? []) {
          if (!c) continue;
          if (c.type === 'shorthand_field_initializer') fields[c.text] = this.ident(c.namedChildren[0] ?? c);
          else if (c.type === 'field_initializer') {
            const f = c.childForFieldName('field')?.text;
            const v = this.eval(c.childForFieldName('value')!);
            if (f !== undefined) fields[f] = v;
          } else if (c.type === 'base_field_initializer') {
            this.eval(c.namedChildren[0]!);
            complete = false;
          }
        }
        return complete ? { k: 'struct', name, fields } : unknown(`a struct value at ${this.at(n)}`);
      }
      case 'float_literal':
        return unknown(`the number \`${n.text}\``);
      default:
        // Unmodelled expressions: their parts may run code (and print): give up when they could.
        if (/print|rustc-cfg|write/.test(n.text) || this.callsLocal(n))
          throw new GiveUp(`the build script uses \`${n.type}\`, which cargo-units does not model, at ${this.at(n)}`);
        return unknown(`\`${n.text.slice(0, 30)}\` at ${this.at(n)}`);
    }
    return UNIT;
  }

  /** Whether the text of `n` names a local function (which it might call). */
  private callsLocal(n: Node): boolean {
    const text = n.text;
    for (const name of [...this.items.fns.keys(), ...this.items.methods.keys()]) if (new RegExp(`\\b${name}\\b`).test(text)) return true;
    return false;
  }

  private loopScope(label: string | undefined, n: Node): ExitScope {
    for (let i = this.exits.length - 1; i >= 0; i--) {
      const s = this.exits[i]!;
      if (s.kind === 'fn') break;
      if (label === undefined || s.label === label) return s;
    }
    throw new GiveUp(`a \`break\` cargo-units cannot place at ${this.at(n)}`);
  }

  private block(n: Node): Value {
    const saved = this.vars;
    this.vars = new Vars(saved);
    try {
      let last: Value = UNIT;
      let cfgAttr: Node | undefined;
      const children = n.namedChildren.filter((c): c is Node => !!c);
      for (let i = 0; i < children.length; i++) {
        const c = children[i]!;
        if (c.type === 'attribute_item') {
          if (/^#\s*\[\s*cfg\b/.test(c.text)) cfgAttr = c;
          continue;
        }
        if (c.type.endsWith('comment')) continue;
        const run = () => this.eval(c);
        if (cfgAttr) {
          const attr = cfgAttr;
          cfgAttr = undefined;
          this.maybe(`\`${attr.text}\` (a cfg of the build script itself) at ${this.at(attr)}`, run);
          last = UNIT;
          continue;
        }
        const v = run();
        const isTail =
          i === children.length - 1 &&
          c.type !== 'let_declaration' &&
          !c.type.endsWith('_item') &&
          c.type !== 'empty_statement' &&
          !c.text.trimEnd().endsWith(';');
        last = isTail ? v : UNIT;
      }
      return last;
    } finally {
      this.vars = saved;
    }
  }

  private ident(n: Node): Value {
    const name = n.text;
    const b = this.vars.find(name);
    if (b) return b.v;
    if (name === 'None') return NONE;
    const c = this.constValue(name, n);
    if (c) return c;
    if (this.items.fns.has(name)) return { k: 'fn', name };
    return unknown(`\`${name}\` at ${this.at(n)}`);
  }

  constValue(name: string, n: Node): Value | undefined {
    const memo = this.constValues.get(name);
    if (memo) return memo;
    const defs = this.items.consts.get(name);
    if (!defs) return undefined;
    if (defs.length !== 1) return unknown(`\`${name}\` (defined more than once) at ${this.at(n)}`);
    const def = defs[0]!;
    const value = def.node.childForFieldName('value');
    const mutable = def.node.namedChildren.some((c) => c?.type === 'mutable_specifier');
    let v: Value;
    if (!value || mutable) v = unknown(`\`${name}\` at ${this.at(n)}`);
    else {
      const savedFile = this.file;
      this.file = def.file;
      try {
        v = this.evalIn(value, new Vars(this.globals));
      } finally {
        this.file = savedFile;
      }
    }
    this.constValues.set(name, v);
    return v;
  }

  /** Resolves a path's first segment through `use` aliases; drops `std::`/`core::`/`alloc::`. */
  resolvePath(segs: string[]): string[] {
    let out = segs;
    for (let i = 0; i < 4; i++) {
      const alias = this.items.uses.get(out[0]!);
      if (!alias || alias.length === 0 || (alias.length === 1 && alias[0] === out[0])) break;
      out = [...alias, ...out.slice(1)];
    }
    while (out.length > 1 && (out[0] === 'std' || out[0] === 'core' || out[0] === 'alloc' || out[0] === 'crate' || out[0] === 'self' || out[0] === 'super'))
      out = out.slice(1);
    return out;
  }

  private path(n: Node): Value {
    const segs = pathSegments(n);
    if (!segs) return unknown(`\`${n.text}\` at ${this.at(n)}`);
    const r = this.resolvePath(segs);
    const last = r[r.length - 1]!;
    if (last === 'None') return NONE;
    if (r.length === 1) return this.ident(n);
    if (this.items.fns.has(last) && r.length === 2 && !/^[A-Z]/.test(r[0]!)) return { k: 'fn', name: last };
    const c = r.length === 2 && !/^[A-Z]/.test(r[0]!) ? this.constValue(last, n) : undefined;
    return c ?? unknown(`\`${n.text}\` at ${this.at(n)}`);
  }

  assignTo(place: Node, v: Value): void {
    if (place.type === 'identifier') {
      const b = this.vars.find(place.text);
      if (!b) return;
      b.v = b.level < this.level ? unknown(`\`${place.text}\`, assigned where it may not run (${this.uncertainty()}, ${this.at(place)})`) : v;
      return;
    }
    // A field, an index or a deref: its root variable becomes unknown.
    let root: Node | null = place;
    while (root && root.type !== 'identifier' && root.type !== 'self') root = root.childForFieldName('value') ?? root.namedChildren[0] ?? null;
    if (!root) throw new GiveUp(`an assignment cargo-units cannot follow at ${this.at(place)}`);
    const b = this.vars.find(root.text);
    if (b) b.v = unknown(`\`${root.text}\`, changed at ${this.at(place)}`);
    if (place.type === 'unary_expression') throw new GiveUp(`an assignment through a reference at ${this.at(place)}`);
  }

  /** A place whose value an unmodelled operation may have changed: its variable becomes unknown. */
  changed(place: Node): void {
    let root: Node | null = place;
    while (root && root.type !== 'identifier' && root.type !== 'self') {
      if (root.type === 'call_expression' || root.type === 'macro_invocation') return; // a temporary
      root = root.childForFieldName('value') ?? (root.type === 'unary_expression' || root.type === 'parenthesized_expression' ? root.namedChildren[0]! : null);
    }
    const b = root && this.vars.find(root.text);
    if (b) b.v = unknown(`\`${root!.text}\`, changed by \`${place.parent?.text.slice(0, 40) ?? place.text}\` at ${this.at(place)}`);
  }

  private assign(n: Node): Value {
    const v = this.eval(n.childForFieldName('right')!);
    this.assignTo(n.childForFieldName('left')!, v);
    return UNIT;
  }

  private letDecl(n: Node): Value {
    const pat = n.childForFieldName('pattern')!;
    const valueNode = n.childForFieldName('value');
    const v = valueNode ? this.eval(valueNode) : unknown(`\`${pat.text}\`, declared without a value at ${this.at(n)}`);
    const alt = n.childForFieldName('alternative');
    if (alt) {
      const m = matchPattern(this, pat, v);
      if (m.r !== 'yes') {
        const run = () => {
          this.eval(alt);
          throw new GiveUp(`a \`let … else\` whose else does not diverge at ${this.at(n)}`);
        };
        if (m.r === 'no') run();
        else this.maybe(unknownIn(v) ?? `\`${pat.text}\` at ${this.at(n)}`, run);
      }
      for (const [name, bv] of m.binds) this.vars.declare(name, m.r === 'yes' ? bv : unknown(unknownIn(v) ?? `\`${name}\``), this.level);
      return UNIT;
    }
    this.bindIrrefutable(pat, v, this.vars);
    return UNIT;
  }

  bindIrrefutable(pat: Node, v: Value, vars: Vars): void {
    const m = matchPattern(this, pat, v);
    for (const [name, bv] of m.binds) vars.declare(name, m.r === 'no' ? unknown(`\`${name}\``) : bv, this.level);
  }

  /** Evaluates a condition (an expression, `let PAT = EXPR`, or a chain of them with `&&`). */
  private condition(c: Node, vars: Vars): Value {
    if (c.type === 'let_condition') {
      const v = this.eval(c.childForFieldName('value')!);
      const m = matchPattern(this, c.childForFieldName('pattern')!, v);
      for (const [name, bv] of m.binds) vars.declare(name, m.r === 'yes' ? bv : unknown(unknownIn(v) ?? `\`${name}\``), this.level);
      return m.r === 'maybe' ? unknown(unknownIn(v) ?? `\`${c.text.slice(0, 40)}\` at ${this.at(c)}`) : bool(m.r === 'yes');
    }
    if (c.type === 'let_chain') {
      let result: Value = bool(true);
      for (const part of c.namedChildren) {
        if (!part) continue;
        const r = this.condition(part, vars);
        if (r.k === 'bool' && !r.b) return r;
        if (r.k !== 'bool') {
          // The rest is only evaluated on some paths.
          const why = unknownIn(r) ?? 'a condition';
          result = unknown(why);
          const rest = c.namedChildren.slice(c.namedChildren.indexOf(part) + 1).filter((x): x is Node => !!x);
          this.maybe(why, () => {
            for (const x of rest) this.condition(x, vars);
          });
          return result;
        }
      }
      return result;
    }
    return this.eval(c);
  }

  private ifExpr(n: Node): Value {
    const saved = this.vars;
    const scope = new Vars(saved);
    this.vars = scope;
    let cond: Value;
    try {
      cond = this.condition(n.childForFieldName('condition')!, scope);
    } finally {
      this.vars = saved;
    }
    const cons = n.childForFieldName('consequence')!;
    const alt = n.childForFieldName('alternative');
    const altBody = alt?.namedChildren.find((c) => c?.type === 'block' || c?.type === 'if_expression') ?? undefined;
    if (cond.k === 'bool') {
      if (cond.b) return this.evalIn(cons, scope);
      return altBody ? this.eval(altBody) : UNIT;
    }
    const why = unknownIn(cond) ?? `\`${n.childForFieldName('condition')!.text.slice(0, 40)}\` at ${this.at(n)}`;
    const a = this.maybe(why, () => this.evalIn(cons, scope));
    const b = altBody ? this.maybe(why, () => this.eval(altBody)) : UNIT;
    return a && b ? join(a, b, why) : unknown(why);
  }

  private matchExpr(n: Node): Value {
    const scrutinee = this.eval(n.childForFieldName('value')!);
    const arms = n.childForFieldName('body')?.namedChildren.filter((c): c is Node => c?.type === 'match_arm') ?? [];
    let maybeWhy: string | undefined;
    const values: Value[] = [];
    for (const arm of arms) {
      const mp = arm.childForFieldName('pattern')!;
      const pat = mp.namedChildren.find((c) => c && mp.childForFieldName('condition')?.id !== c.id) ?? mp;
      const guard = mp.childForFieldName('condition');
      const m = matchPattern(this, pat, scrutinee);
      if (m.r === 'no') continue;
      const vars = new Vars(this.vars);
      for (const [name, bv] of m.binds) vars.declare(name, bv, this.level);
      const body = arm.childForFieldName('value')!;
      let certain = m.r === 'yes';
      let why = m.r === 'maybe' ? (unknownIn(scrutinee) ?? `\`${pat.text.slice(0, 40)}\` at ${this.at(pat)}`) : undefined;
      let guardValue: Value | undefined;
      if (guard) {
        const runGuard = () => this.evalIn(guard, vars);
        guardValue = maybeWhy || !certain ? this.maybe(maybeWhy ?? why!, runGuard) : runGuard();
        if (guardValue?.k === 'bool' && !guardValue.b) continue;
        if (guardValue?.k !== 'bool') {
          certain = false;
          why ??= (guardValue && unknownIn(guardValue)) ?? `the guard \`${guard.text.slice(0, 40)}\` at ${this.at(guard)}`;
        }
      }
      if (certain && !maybeWhy) return this.evalIn(body, vars);
      const w = maybeWhy ?? why!;
      const v = this.maybe(w, () => this.evalIn(body, vars));
      if (v) values.push(v);
      if (certain) break;
      maybeWhy ??= why;
    }
    const why = maybeWhy ?? `the match at ${this.at(n)}`;
    return values.length ? values.reduce((a, b) => join(a, b, why)) : unknown(why);
  }

  private loop(n: Node): Value {
    const body = n.childForFieldName('body')!;
    const label = n.namedChildren.find((c) => c?.type === 'label')?.text.replace(/^'/, '');
    const loopWhy = `a loop body (${this.at(n)}), which may run any number of times`;
    let iterValue: Value | undefined;
    if (n.type === 'for_expression') iterValue = this.eval(n.childForFieldName('value')!);
    // Whatever the body may change is unknown from its first round on.
    this.vars.poison(mutatedNames(n), `changed in ${loopWhy}`);
    const scope: ExitScope = { kind: 'loop', label, entryLevel: this.level + 1, raised: [], values: [] };
    this.exits.push(scope);
    try {
      this.maybe(loopWhy, () => {
        const vars = new Vars(this.vars);
        try {
          if (n.type === 'for_expression') {
            const item =
              iterValue && (iterValue.k === 'array' || iterValue.k === 'iter') && iterValue.items.length > 0
                ? unknown(`an item of ${loopWhy}`)
                : unknown(`an item of ${loopWhy}`);
            this.bindIrrefutable(n.childForFieldName('pattern')!, item, vars);
          } else if (n.type === 'while_expression') {
            const saved = this.vars;
            this.vars = vars;
            try {
              const c = this.condition(n.childForFieldName('condition')!, vars);
              if (c.k === 'bool' && !c.b) return;
            } finally {
              this.vars = saved;
            }
          }
          this.evalIn(body, vars);
        } catch (e) {
          if (e instanceof Leave && e.target === scope) return;
          throw e;
        } finally {
          this.exitScope(scope);
        }
      });
    } finally {
      this.exits.pop();
    }
    if (n.type === 'loop_expression' && !/\bbreak\b/.test(body.text)) {
      // Only a return or a panic leaves it: what follows never runs.
      this.raise(this.fnScope(), `after a \`loop\` without \`break\` at ${this.at(n)}`);
    }
    return n.type === 'loop_expression' ? unknown(`what ${loopWhy} breaks with`) : UNIT;
  }

  private tryExpr(n: Node): Value {
    const v = this.eval(n.namedChildren[0]!);
    const fail = (value: Value) => this.leave(this.fnScope(), 'return', value, n);
    if (v.k === 'opt') return v.some ?? fail(NONE);
    if (v.k === 'res') return v.ok ? v.v : fail(v);
    const why = unknownIn(v) ?? `\`${n.text.slice(0, 40)}\` at ${this.at(n)}`;
    this.maybe(why, () => fail(unknown(why)));
    return unknown(why);
  }

  private field(n: Node): Value {
    const v = this.eval(n.childForFieldName('value')!);
    const f = n.childForFieldName('field')!.text;
    if ((v.k === 'tuple' || v.k === 'array') && /^\d+$/.test(f)) return v.items[Number(f)] ?? unknown(`\`${n.text}\``);
    if (v.k === 'struct' && Object.hasOwn(v.fields, f)) return v.fields[f]!;
    if (v.k === 'output') {
      if (f === 'stdout') return v.stdout;
      if (f === 'status') return bool(v.success);
      if (f === 'stderr') return unknown(`the standard error of a command at ${this.at(n)}`);
    }
    return unknown(unknownIn(v) ?? `\`${n.text.slice(0, 40)}\` at ${this.at(n)}`);
  }

  private index(n: Node): Value {
    const [baseNode, idxNode] = n.namedChildren;
    const base = this.eval(baseNode!);
    if (idxNode?.type === 'range_expression' && idxNode.namedChildCount === 0) return base;
    const idx = this.eval(idxNode!);
    if ((base.k === 'array' || base.k === 'tuple') && idx.k === 'int') return base.items[idx.n] ?? unknown(`an index out of range at ${this.at(n)}`);
    return unknown(unknownIn(base) ?? unknownIn(idx) ?? `\`${n.text.slice(0, 40)}\` at ${this.at(n)}`);
  }

  private callExpr(n: Node): Value {
    const fnNode = n.childForFieldName('function')!;
    const argNodes =
      n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && !c.type.endsWith('comment') && c.type !== 'attribute_item') ?? [];
    // `&mut x` arguments: x may be changed by the callee.
    const mutArgs = argNodes.filter((a) => a.type === 'reference_expression' && a.namedChildren.some((c) => c?.type === 'mutable_specifier'));
    const poisonMut = () => {
      for (const a of mutArgs) this.assignTo(a.childForFieldName('value')!, unknown(`changed through \`${a.text}\` at ${this.at(a)}`));
    };
    // A method call: receiver.method(args)
    let inner = fnNode;
    let turbofish: string | undefined;
    if (inner.type === 'generic_function') {
      turbofish = inner.childForFieldName('type_arguments')?.text;
      inner = inner.childForFieldName('function')!;
    }
    if (inner.type === 'field_expression') {
      const recvNode = inner.childForFieldName('value')!;
      const method = inner.childForFieldName('field')!.text;
      const recv = this.eval(recvNode);
      const args = argNodes.map((a) => this.eval(a));
      const r = callMethod(this, recv, method, args, n, recvNode, turbofish);
      poisonMut();
      return r;
    }
    const args = argNodes.map((a) => this.eval(a));
    try {
      if (inner.type === 'identifier') {
        const b = this.vars.find(inner.text);
        if (b) return this.call(b.v, args, n);
      }
      const segs = pathSegments(inner);
      if (!segs) {
        const f = this.eval(inner);
        return this.call(f, args, n);
      }
      return callPath(this, this.resolvePath(segs), args, n, turbofish);
    } finally {
      poisonMut();
    }
  }

  // ---- macros ----

  /** Parses text as the inside of a function body; the returned node is the block. */
  parseBlock(text: string, key: string): Node {
    const hit = this.parsedMacros.get(key);
    if (hit) return hit;
    const tree = this.parser.parse(`fn __cargo_units() {\n${text}\n}`);
    if (!tree) throw new GiveUp('a macro could not be parsed');
    this.extraTrees.push(tree);
    const body = tree.rootNode.namedChildren[0]?.childForFieldName('body');
    if (!body || tree.rootNode.hasError) throw new GiveUp(`a macro call cargo-units cannot parse (${key.slice(0, 60)})`);
    this.parsedMacros.set(key, body);
    return body;
  }

  /** A macro's arguments as expressions (`name = expr` kept as assignment expressions). */
  macroArgs(n: Node): Node[] {
    const tt = n.namedChildren.find((c) => c?.type === 'token_tree');
    if (!tt) return [];
    const inner = tt.text.slice(1, -1);
    if (inner.trim() === '') return [];
    const body = this.parseBlock(`__cargo_units_args(${inner});`, `args\0${inner}`);
    const call = body.namedChildren[0]?.namedChildren[0];
    if (call?.type !== 'call_expression') throw new GiveUp(`the arguments of \`${n.text.slice(0, 40)}\` at ${this.at(n)} do not parse as expressions`);
    return call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && !c.type.endsWith('comment')) ?? [];
  }

  private macro(n: Node): Value {
    const nameNode = n.childForFieldName('macro')!;
    const segs = pathSegments(nameNode) ?? [nameNode.text];
    const name = segs[segs.length - 1]!;
    const local = segs.length === 1 ? this.items.macros.get(name) : undefined;
    if (local) {
      if (local.length !== 1) throw new GiveUp(`the macro \`${name}!\` is defined more than once (${this.at(n)})`);
      const tt = n.namedChildren.find((c) => c?.type === 'token_tree');
      const exp = expandCall(local[0]!, tt?.text ?? '()');
      if (!exp.ok) throw new GiveUp(`\`${name}!\` at ${this.at(n)} cannot be expanded: ${exp.reason}`);
      const body = this.parseBlock(`{ ${exp.text} }`, `exp\0${exp.text}`);
      const savedFile = this.file;
      try {
        // Reasons point at the call.
        return this.evalMacroBody(body.namedChildren[0]!, n);
      } finally {
        this.file = savedFile;
      }
    }
    return macroCall(this, name, n);
  }

  private macroLine: Node | undefined;

  private evalMacroBody(b: Node, call: Node): Value {
    const saved = this.macroLine;
    this.macroLine = call;
    try {
      return this.eval(b.type === 'expression_statement' ? b.namedChildren[0]! : b);
    } finally {
      this.macroLine = saved;
    }
  }

  format(args: Node[], n: Node): Part[] {
    return formatArgs(this, args, n);
  }

  print(parts: Part[], n: Node): void {
    recordPrint(this.out, parts, this.at(this.macroLine ?? n), this.uncertainty());
  }

  printsAny(why: string): void {
    recordAny(this.out, why);
  }
}
