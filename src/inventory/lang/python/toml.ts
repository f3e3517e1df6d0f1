/**
 * TOML for lock files, parsed with limits: inline nesting is bounded and keys
 * that would touch object prototypes are dropped.
 */
import { parse } from 'smol-toml';

export type TomlTable = Record<string, unknown>;

export function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export function parseToml(text: string): { doc?: TomlTable; warning?: string } {
  try {
    return { doc: parse(text, { maxDepth: 32, unsafeKeyBehaviour: 'drop' }) as TomlTable };
  } catch (e) {
    return { warning: `not valid TOML (${(e as Error).message.split('\n')[0]!.slice(0, 120)})` };
  }
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}
