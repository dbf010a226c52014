/**
 * Cargo's rules for package and feature names (cargo's `restricted_names` and feature
 * validation): a name cargo rejects is rejected here too, with the same wording, so that no
 * manifest string outside these character sets ever reaches a unit id, a Nix attribute or a path.
 */

const XID_START = /^[\p{XID_Start}_]$/u;
const XID_CONTINUE = /^\p{XID_Continue}$/u;

/** Why `name` is not a valid package name, or undefined when it is. */
export function packageNameProblem(name: string): string | undefined {
  if (name === '') return 'package name cannot be empty';
  const chars = [...name];
  const first = chars[0]!;
  if (/^[0-9]$/.test(first)) return `the name \`${name}\` cannot be used as a package name, the name cannot start with a digit`;
  if (!XID_START.test(first)) {
    return `invalid character \`${printable(first)}\` in package name: \`${printable(name)}\`, the first character must be a Unicode XID start character (most letters or \`_\`)`;
  }
  for (const ch of chars.slice(1)) {
    if (!XID_CONTINUE.test(ch) && ch !== '-') {
      return `invalid character \`${printable(ch)}\` in package name: \`${printable(name)}\`, characters must be Unicode XID characters (numbers, \`-\`, \`_\`, or most letters)`;
    }
  }
  return undefined;
}

/** Why `name` is not a valid feature name, or undefined when it is. */
export function featureNameProblem(name: string): string | undefined {
  if (name === '') return 'feature name cannot be empty';
  if (name.startsWith('dep:')) return `feature named \`${printable(name)}\` is not allowed to start with \`dep:\``;
  if (name.includes('/')) return `feature named \`${printable(name)}\` is not allowed to contain slashes`;
  const chars = [...name];
  const first = chars[0]!;
  if (!XID_START.test(first) && !/^[0-9]$/.test(first)) {
    return `invalid character \`${printable(first)}\` in feature \`${printable(name)}\`, the first character must be a Unicode XID start character or digit (most letters or \`_\` or \`0\` to \`9\`)`;
  }
  for (const ch of chars.slice(1)) {
    if (!XID_CONTINUE.test(ch) && ch !== '-' && ch !== '+' && ch !== '.') {
      return `invalid character \`${printable(ch)}\` in feature \`${printable(name)}\`, characters must be Unicode XID characters, \`-\`, \`+\`, or \`.\` (numbers, \`+\`, \`-\`, \`_\`, \`.\`, or most letters)`;
    }
  }
  return undefined;
}

/** Control characters (a newline in a name) shown escaped, so that a message stays on one line. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
