/** How units are named to people: `cargo (lib)`, `cargo (bin cargo)`, `cargo (lib) [test]`. */

export interface UnitNameParts {
  id: string;
  package: string;
  kind: string;
  name: string;
}

export function unitLabel(u: UnitNameParts): string {
  const what = u.kind === 'lib' ? 'lib' : u.kind === 'proc-macro' ? 'proc-macro' : u.kind === 'custom-build' ? 'build script' : `${u.kind} ${u.name}`;
  return `${u.package} (${what})${u.id.endsWith('[test]') ? ' [test]' : ''}`;
}
