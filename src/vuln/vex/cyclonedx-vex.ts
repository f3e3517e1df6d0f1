/**
 * CycloneDX VEX input: `vulnerabilities[]` with `analysis.state`. The states
 * that say a component is not exposed (`not_affected`, `false_positive`,
 * `resolved`, `resolved_with_pedigree`) become statements that suppress; the
 * others (`exploitable`, `in_triage`) change nothing. `affects[].ref` names a
 * component of the same document, whose purl identifies the product.
 */
import { z } from 'zod';
import { BulkheadError } from '../../core/errors.js';
import type { VexStatement } from './openvex.js';

const componentSchema: z.ZodType<{ 'bom-ref'?: string; purl?: string; components?: unknown[] }> = z.object({
  'bom-ref': z.string().max(2048).optional(),
  purl: z.string().max(2048).optional(),
  components: z.array(z.unknown()).max(100_000).optional(),
});

const documentSchema = z.object({
  bomFormat: z.literal('CycloneDX'),
  components: z.array(z.unknown()).max(1_000_000).optional(),
  vulnerabilities: z
    .array(
      z.object({
        id: z.string().min(1).max(256),
        references: z.array(z.object({ id: z.string().max(256) })).max(100).optional(),
        analysis: z
          .object({
            state: z.enum(['resolved', 'resolved_with_pedigree', 'exploitable', 'in_triage', 'false_positive', 'not_affected']).optional(),
            justification: z.string().max(200).optional(),
            detail: z.string().max(4000).optional(),
          })
          .optional(),
        affects: z.array(z.object({ ref: z.string().max(2048) })).max(100_000).optional(),
      }),
    )
    .max(100_000),
});

const SUPPRESSING = new Set(['not_affected', 'false_positive', 'resolved', 'resolved_with_pedigree']);

/** bom-ref → purl over the (nested) components, bounded in depth. */
function purlsByRef(components: unknown[] | undefined, out = new Map<string, string>(), depth = 0): Map<string, string> {
  if (!components || depth > 32) return out;
  for (const raw of components) {
    const c = componentSchema.safeParse(raw);
    if (!c.success) continue;
    if (c.data['bom-ref'] && c.data.purl) out.set(c.data['bom-ref'], c.data.purl);
    purlsByRef(c.data.components, out, depth + 1);
  }
  return out;
}

export function parseCycloneDxVex(doc: unknown, source: string): VexStatement[] {
  const parsed = documentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BulkheadError('CONFIG_FILE_INVALID', `CycloneDX VEX is malformed: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`, {
      where: source,
      hint: 'a CycloneDX VEX document has vulnerabilities[] with analysis.state and affects[].ref',
    });
  }
  const purls = purlsByRef(parsed.data.components);
  return parsed.data.vulnerabilities.flatMap((v, i) => {
    const state = v.analysis?.state;
    if (!state) return [];
    const ids = [v.id, ...(v.references ?? []).map((r) => r.id)].map((x) => x.toUpperCase());
    // A ref may also be a purl itself (some tools write them so).
    const products = (v.affects ?? []).map((a) => purls.get(a.ref) ?? a.ref).filter((p) => p.startsWith('pkg:'));
    const reason = [state, v.analysis?.justification, v.analysis?.detail].filter(Boolean).join(': ');
    return [{ ids, purls: products, status: SUPPRESSING.has(state) ? ('not_affected' as const) : ('affected' as const), reason, where: `${source}#vulnerabilities[${i}]` }];
  });
}
