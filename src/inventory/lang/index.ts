import type { Analyzer } from '../analyzer.js';

/** The lang analyzers, in the order they run. */
export const langAnalyzers: readonly Analyzer[] = [];
