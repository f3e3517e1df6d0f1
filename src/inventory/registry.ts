/**
 * The one explicit list of analyzers. A new ecosystem is one file in
 * os/, pkg/ or lang/ plus one line in that folder's index.
 */
import type { TargetKind } from '../core/types.js';
import type { Analyzer } from './analyzer.js';
import { osAnalyzers } from './os/index.js';
import { pkgAnalyzers } from './pkg/index.js';
import { langAnalyzers } from './lang/index.js';

export const analyzers: readonly Analyzer[] = [...osAnalyzers, ...pkgAnalyzers, ...langAnalyzers];

/** The analyzers for a target kind: the inventory ones always, the others when their scanner is on. */
export function analyzersFor(kind: TargetKind, scanners?: readonly string[], all: readonly Analyzer[] = analyzers): Analyzer[] {
  return all.filter((a) => a.targets.includes(kind) && (!a.scanner || !scanners || scanners.includes(a.scanner)));
}

/** Part of the layer cache key: any analyzer change invalidates cached layers. */
export function analyzerFingerprint(list: readonly Analyzer[]): string {
  return list
    .map((a) => `${a.id}@${a.version}`)
    .sort()
    .join(',');
}
