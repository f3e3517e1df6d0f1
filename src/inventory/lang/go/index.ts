import type { Analyzer } from '../../analyzer.js';
import { goBinaryAnalyzer } from './binary.js';
import { goModAnalyzer } from './gomod.js';

/** Go: build info of compiled binaries, and go.mod in source checkouts. */
export const goAnalyzers: readonly Analyzer[] = [goBinaryAnalyzer, goModAnalyzer];
