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

export function analyzersFor(kind: TargetKind, all: readonly Analyzer[] = analyzers): Analyzer[] {
  return all.filter((a) => a.targets.includes(kind));
}

/** Part of the layer cache key: any analyzer change invalidates cached layers. */
export function analyzerFingerprint(list: readonly Analyzer[]): string {
  return list
    .map((a) => `${a.id}@${a.version}`)
    .sort()
    .join(',');
}
