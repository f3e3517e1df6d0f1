import type { Analyzer } from '../analyzer.js';
import { npmAnalyzers } from './npm/index.js';
import { pythonAnalyzers } from './python/index.js';

/** The language-package analyzers, in the order they run. */
export const langAnalyzers: readonly Analyzer[] = [...npmAnalyzers, ...pythonAnalyzers];
