/**
 * Package specifiers as lock files write them: `name@range`, with scoped
 * names (`@scope/name@range`), protocols (`npm:`, `workspace:`, `patch:`…)
 * and aliases (`alias@npm:real-name@range`).
 */

export interface Specifier {
  name: string;
  /** What follows the name: a range, a version, or `protocol:…`. */
  range: string;
}

/** Split at the `@` that ends the name (the first one past a scope's leading `@`). */
export function splitSpecifier(spec: string): Specifier | undefined {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: spec.slice(0, at), range: spec.slice(at + 1) };
}

/** The protocol of a range (`npm`, `workspace`, `patch`, `file`…), or '' for a bare semver range. */
export function protocolOf(range: string): string {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(range);
  return m ? m[1]!.toLowerCase() : '';
}

/** Protocols that point at the project's own code or a modified copy, never a registry package. */
export const LOCAL_PROTOCOLS: ReadonlySet<string> = new Set(['workspace', 'link', 'portal', 'file', 'patch', 'exec']);

/** The package an `npm:` alias stands for: `npm:string-width@^4.2.0` → `string-width`. */
export function aliasTarget(range: string): string | undefined {
  if (!range.startsWith('npm:')) return undefined;
  const target = splitSpecifier(range.slice(4));
  return target?.name;
}

/** npm package names: lower-case URL-safe, optionally scoped (old packages may have capitals). */
export function isPackageName(name: string): boolean {
  return name.length <= 214 && /^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/i.test(name);
}
