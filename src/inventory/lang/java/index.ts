import type { Analyzer } from '../../analyzer.js';
import { javaArchiveAnalyzer } from './archive.js';

/** Java: Maven artifacts in jar, war and ear archives. */
export const javaAnalyzers: readonly Analyzer[] = [javaArchiveAnalyzer];
