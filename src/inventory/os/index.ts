import type { Analyzer } from '../analyzer.js';

/** The os analyzers, in the order they run. */
export const osAnalyzers: readonly Analyzer[] = [];
