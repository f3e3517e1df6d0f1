import type { Analyzer } from '../analyzer.js';

/** The pkg analyzers, in the order they run. */
export const pkgAnalyzers: readonly Analyzer[] = [];
