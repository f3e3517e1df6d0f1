/**
 * Package license strings as the SBOM formats want them: a single SPDX id, a
 * valid SPDX expression (written in one canonical form), or free text such as
 * Debian's `GPL-2+`. Parsing is `spdx-expression-parse`; identifiers match
 * case-insensitively, as the SPDX spec says, through the CycloneDX library's
 * SPDX list.
 */
import { SPDX } from '@cyclonedx/cyclonedx-library';
import parse, { type LicenseNode } from 'spdx-expression-parse';
import { shortHash } from './hash.js';

/** Longer strings are never expressions (and the parser is quadratic in length). */
export const MAX_EXPRESSION_LENGTH = 2048;

export type LicenseClass =
  | { kind: 'id'; id: string }
  | { kind: 'expression'; expression: string }
  | { kind: 'text'; text: string };

function tryParse(source: string): LicenseNode | undefined {
  try {
    return parse(source);
  } catch {
    return undefined;
  }
}

/** `bsd-3-clause and mit` → `BSD-3-Clause AND MIT`; unknown words are left for the parser to reject. */
function fixCase(source: string): string {
  return source.replace(/[A-Za-z0-9.+-]+/g, (word) => {
    if (/^(and|or|with)$/i.test(word)) return word.toUpperCase();
    if (/^(LicenseRef|DocumentRef)-/.test(word)) return word;
    const plus = word.endsWith('+') ? '+' : '';
    const base = plus ? word.slice(0, -1) : word;
    return (SPDX.fixupSpdxId(base) ?? base) + plus;
  });
}

function render(node: LicenseNode, insideAnd = false): string {
  if ('license' in node) {
    return `${node.license}${node.plus ? '+' : ''}${node.exception ? ` WITH ${node.exception}` : ''}`;
  }
  const and = node.conjunction === 'and';
  const text = `${render(node.left, and)} ${and ? 'AND' : 'OR'} ${render(node.right, and)}`;
  return insideAnd && !and ? `(${text})` : text;
}

/** The canonical form of a valid SPDX expression, or undefined when `source` is not one. */
export function normalizeSpdxExpression(source: string): string | undefined {
  const text = source.replace(/\s+/g, ' ').trim();
  if (!text || text.length > MAX_EXPRESSION_LENGTH) return undefined;
  const node = tryParse(text) ?? tryParse(fixCase(text));
  return node ? render(node) : undefined;
}

/** The terms of a top-level AND (`A AND (B OR C)` → `A`, `B OR C`); undefined when `source` is no expression. */
export function conjunctionTerms(source: string): string[] | undefined {
  const text = source.replace(/\s+/g, ' ').trim();
  if (!text || text.length > MAX_EXPRESSION_LENGTH) return undefined;
  const node = tryParse(text);
  if (!node) return undefined;
  const terms: string[] = [];
  const stack: LicenseNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if ('conjunction' in n && n.conjunction === 'and') stack.push(n.right, n.left);
    else terms.push(render(n));
  }
  return terms;
}

export function classifyLicense(source: string): LicenseClass {
  const text = source.trim();
  const expression = normalizeSpdxExpression(text);
  if (expression === undefined) return { kind: 'text', text };
  if (/^[A-Za-z0-9.-]+$/.test(expression) && !expression.startsWith('LicenseRef-')) return { kind: 'id', id: expression };
  return { kind: 'expression', expression };
}

/** Several valid expressions as one: all of them apply. */
export function conjoin(expressions: readonly string[]): string {
  if (expressions.length === 1) return expressions[0]!;
  return expressions.map((e) => (/ (AND|OR|WITH) /.test(e) ? `(${e})` : e)).join(' AND ');
}

/**
 * The `LicenseRef-…` ids of one SPDX document for license texts that are not
 * SPDX expressions, each defined once in `hasExtractedLicensingInfos`.
 */
export class LicenseRefs {
  private readonly byText = new Map<string, string>();
  private readonly taken = new Set<string>();

  refFor(text: string): string {
    const known = this.byText.get(text);
    if (known) return known;
    const safe = text
      .replace(/[^A-Za-z0-9.-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 48);
    let id = safe && safe === text ? `LicenseRef-${safe}` : `LicenseRef-${safe ? `${safe}-` : ''}${shortHash(text, 8)}`;
    for (let n = 2; this.taken.has(id); n++) id = `${id.replace(/-\d+$/, '')}-${n}`;
    this.taken.add(id);
    this.byText.set(text, id);
    return id;
  }

  /** The definitions, sorted by id. */
  definitions(): Array<{ licenseId: string; name: string; extractedText: string }> {
    return [...this.byText]
      .map(([text, licenseId]) => ({ licenseId, name: text, extractedText: text }))
      .sort((a, b) => (a.licenseId < b.licenseId ? -1 : a.licenseId > b.licenseId ? 1 : 0));
  }
}

/**
 * One SPDX expression for all of a package's license strings (joined with
 * AND: Debian and language metadata list the licenses that all apply), free
 * text turned into LicenseRefs; NOASSERTION when there are none.
 */
export function spdxDeclaredLicense(licenses: readonly string[] | undefined, refs: LicenseRefs): string {
  const parts: string[] = [];
  for (const raw of licenses ?? []) {
    if (!raw.trim()) continue;
    const c = classifyLicense(raw);
    const part = c.kind === 'id' ? c.id : c.kind === 'expression' ? c.expression : refs.refFor(c.text);
    if (!parts.includes(part)) parts.push(part);
  }
  return parts.length === 0 ? 'NOASSERTION' : conjoin(parts);
}
