/**
 * VEX input (`--vex FILE`, OpenVEX here and CycloneDX VEX in cyclonedx-vex.ts): statements that a vulnerability does not
 * affect a product (`not_affected`, `fixed`) suppress the matching findings,
 * which are kept with `suppressedBy: { kind: 'vex', source, reason }`.
 * `affected` and `under_investigation` change nothing. Products are matched
 * by purl (a statement's product or its subcomponents), vulnerabilities by id
 * or alias.
 */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { BulkheadError } from '../../core/errors.js';
import type { Finding } from '../../core/types.js';
import { purlMatches } from '../ignore/index.js';
import { parseCycloneDxVex } from './cyclonedx-vex.js';

export const MAX_VEX_BYTES = 16 * 1024 * 1024;

const component = z.object({ '@id': z.string().min(1).max(2048).optional(), identifiers: z.record(z.string(), z.string()).optional() });
const product = component.extend({ subcomponents: z.array(component).max(100_000).optional() });
const vulnerability = z.union([z.string().min(1).max(256), z.object({ name: z.string().min(1).max(256), aliases: z.array(z.string().max(256)).max(100).optional() })]);

const documentSchema = z.object({
  '@context': z.string().regex(/openvex/i, 'not an OpenVEX context'),
  '@id': z.string().optional(),
  statements: z
    .array(
      z.object({
        vulnerability,
        products: z.array(product).max(100_000).optional(),
        status: z.enum(['not_affected', 'affected', 'fixed', 'under_investigation']),
        justification: z.string().max(200).optional(),
        impact_statement: z.string().max(4000).optional(),
        status_notes: z.string().max(4000).optional(),
      }),
    )
    .max(100_000),
});

export interface VexStatement {
  ids: string[];
  purls: string[];
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  reason: string;
  /** `file#statements[N]` */
  where: string;
}

export function parseOpenVex(text: string, source: string): VexStatement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BulkheadError('CONFIG_FILE_INVALID', `VEX document is not valid JSON (${(e as Error).message})`, { where: source, hint: 'pass an OpenVEX JSON document' });
  }
  const parsed = documentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BulkheadError('CONFIG_FILE_INVALID', `VEX document is malformed: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`, {
      where: source,
      hint: 'only OpenVEX documents are read (https://github.com/openvex/spec)',
    });
  }
  return parsed.data.statements.map((s, i) => {
    const v = s.vulnerability;
    const ids = typeof v === 'string' ? [v] : [v.name, ...(v.aliases ?? [])];
    const purls = (s.products ?? []).flatMap((p) => [p, ...(p.subcomponents ?? [])]).flatMap((c) => [c['@id'], c.identifiers?.purl].filter((x): x is string => !!x && x.startsWith('pkg:')));
    const reason = [s.status, s.justification, s.impact_statement ?? s.status_notes].filter(Boolean).join(': ');
    return { ids: ids.map((x) => x.toUpperCase()), purls, status: s.status, reason, where: `${source}#statements[${i}]` };
  });
}

/** An OpenVEX or CycloneDX VEX document, told apart by its content. */
export async function readVex(file: string): Promise<VexStatement[]> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new BulkheadError('CONFIG_FILE_INVALID', `VEX document ${file} cannot be read`, { where: file, hint: 'check the --vex path' });
  }
  if (size > MAX_VEX_BYTES) throw new BulkheadError('LIMIT_EXCEEDED', `VEX document is ${size} bytes, more than ${MAX_VEX_BYTES}`, { where: file });
  const text = await readFile(file, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return parseOpenVex(text, file); // reports the JSON error
  }
  if (doc && typeof doc === 'object' && (doc as { bomFormat?: unknown }).bomFormat === 'CycloneDX') return parseCycloneDxVex(doc, file);
  return parseOpenVex(text, file);
}

/** Findings with VEX decisions applied; returns new objects, and the statements that matched nothing. */
export function applyVex(findings: readonly Finding[], statements: readonly VexStatement[]): { findings: Finding[]; unused: VexStatement[] } {
  const used = new Set<VexStatement>();
  const out = findings.map((f) => {
    if (f.kind !== 'vulnerability' || f.suppressedBy) return f;
    const ids = new Set([f.id, ...(f.aliases ?? [])].map((x) => x.toUpperCase()));
    const hit = statements.find((s) => s.ids.some((id) => ids.has(id)) && s.purls.some((p) => purlMatches(p, f.package?.purl)));
    if (!hit) return f;
    used.add(hit);
    if (hit.status !== 'not_affected' && hit.status !== 'fixed') return f;
    return { ...f, suppressedBy: { kind: 'vex' as const, source: hit.where, reason: hit.reason } };
  });
  return { findings: out, unused: statements.filter((s) => !used.has(s)) };
}
