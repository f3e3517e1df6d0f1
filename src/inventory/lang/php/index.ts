import type { Analyzer } from '../../analyzer.js';
import { composerLockAnalyzer } from './composer-lock.js';
import { composerInstalledAnalyzer } from './installed-json.js';

/** PHP: Composer's installed.json in vendor directories, and composer.lock in source checkouts. */
export const phpAnalyzers: readonly Analyzer[] = [composerInstalledAnalyzer, composerLockAnalyzer];
