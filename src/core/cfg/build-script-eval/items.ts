/**
 * The items of a build script's files that the interpreter looks up: functions (free and in
 * `impl` blocks), constants and statics, `use` aliases and local `macro_rules!` definitions.
 */
import type { Node } from 'web-tree-sitter';
import { defineMacro } from '../../scan/macros/expand.js';
import type { MacroDef } from '../../scan/macros/scope.js';

export class GiveUp extends Error {}

export interface FnDef {
  node: Node;
  file: string;
  /** `Type` of the `impl Type` block it is in. */
  impl: string | undefined;
}

export class Items {
  /** Free functions by name (several when defined more than once: ambiguous). */
  readonly fns = new Map<string, FnDef[]>();
  /** `impl` functions by name. */
  readonly methods = new Map<string, FnDef[]>();
  readonly consts = new Map<string, { node: Node; file: string }[]>();
  /** `use` aliases: name → path segments. */
  readonly uses = new Map<string, string[]>();
  readonly macros = new Map<string, MacroDef[]>();
  /** Names of the script's modules (`mod helpers;`): `helpers::f()` calls a local function. */
  readonly modules = new Set<string>();

  add(root: Node, file: string): void {
    this.walk(root, file, undefined);
  }

  private walk(node: Node, file: string, impl: string | undefined): void {
    for (const c of node.namedChildren) {
      if (!c) continue;
      switch (c.type) {
        case 'function_item': {
          const name = c.childForFieldName('name')?.text;
          if (name) push(impl ? this.methods : this.fns, name, { node: c, file, impl });
          const body = c.childForFieldName('body');
          if (body) this.walk(body, file, undefined);
          break;
        }
        case 'impl_item': {
          const type = c.childForFieldName('type');
          const trait = c.childForFieldName('trait');
          const body = c.childForFieldName('body');
          const typeName = type?.text.replace(/<.*$/s, '').split('::').pop();
          // A trait impl's methods run implicitly (Drop, Display): give up when one may print.
          if (trait && body && /print|write|rustc-cfg/.test(body.text)) {
            throw new GiveUp(`the build script implements \`${trait.text}\` with a body that may print (${file}:${c.startPosition.row + 1})`);
          }
          if (body) this.walk(body, file, typeName ?? '?');
          break;
        }
        case 'const_item':
        case 'static_item': {
          const name = c.childForFieldName('name')?.text;
          if (name) push(this.consts, name, { node: c, file });
          break;
        }
        case 'use_declaration':
          this.addUse(c.childForFieldName('argument'), []);
          break;
        case 'macro_definition': {
          const name = c.childForFieldName('name')?.text;
          if (name) {
            const rules = c.text.slice(c.text.indexOf(name, 'macro_rules!'.length) + name.length);
            push(this.macros, name, defineMacro(name, rules, file, c.startPosition.row + 1, false));
          }
          break;
        }
        case 'extern_crate_declaration': {
          const name = c.childForFieldName('name')?.text;
          const alias = c.childForFieldName('alias')?.text;
          if (name && alias) this.uses.set(alias, [name]);
          break;
        }
        case 'mod_item':
          if (c.childForFieldName('name')) this.modules.add(c.childForFieldName('name')!.text);
          this.walk(c, file, impl);
          break;
        case 'declaration_list':
        case 'block':
        case 'expression_statement':
          this.walk(c, file, impl);
          break;
        default:
          // Function bodies hold items too (nested fns, consts, macros): look inside expressions.
          if (c.namedChildCount > 0 && !c.type.endsWith('_type')) this.walk(c, file, impl);
      }
    }
  }

  private addUse(n: Node | null, prefix: string[]): void {
    if (!n) return;
    switch (n.type) {
      case 'identifier':
      case 'crate':
      case 'self':
      case 'super':
        if (n.text === 'self') {
          const last = prefix[prefix.length - 1];
          if (last) this.uses.set(last, prefix);
        } else this.uses.set(n.text, [...prefix, n.text]);
        return;
      case 'scoped_identifier': {
        const segs = pathSegments(n);
        if (!segs) return;
        const last = segs[segs.length - 1]!;
        if (last === 'self') this.uses.set(segs[segs.length - 2] ?? last, [...prefix, ...segs.slice(0, -1)]);
        else this.uses.set(last, [...prefix, ...segs]);
        return;
      }
      case 'use_as_clause': {
        const path = n.childForFieldName('path');
        const alias = n.childForFieldName('alias');
        const segs = path && (path.type === 'identifier' ? [path.text] : pathSegments(path));
        if (segs && alias) this.uses.set(alias.text, [...prefix, ...segs]);
        return;
      }
      case 'scoped_use_list': {
        const path = n.childForFieldName('path');
        const segs = path ? (path.type === 'identifier' ? [path.text] : (pathSegments(path) ?? [])) : [];
        this.addUse(n.childForFieldName('list'), [...prefix, ...segs]);
        return;
      }
      case 'use_list':
        for (const c of n.namedChildren) this.addUse(c, prefix);
        return;
      default:
        return;
    }
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** `a::b::c` → ['a', 'b', 'c'] (generic arguments dropped); undefined for other shapes. */
export function pathSegments(n: Node): string[] | undefined {
  switch (n.type) {
    case 'identifier':
    case 'type_identifier':
    case 'primitive_type':
    case 'crate':
    case 'self':
    case 'super':
    case 'metavariable':
      return [n.text];
    case 'scoped_identifier':
    case 'scoped_type_identifier': {
      const path = n.childForFieldName('path');
      const name = n.childForFieldName('name');
      if (!name) return undefined;
      const head = path ? pathSegments(path) : [];
      return head ? [...head, name.text] : undefined;
    }
    case 'generic_type':
    case 'generic_function': {
      const inner = n.childForFieldName('type') ?? n.childForFieldName('function');
      return inner ? pathSegments(inner) : undefined;
    }
    default:
      return undefined;
  }
}
