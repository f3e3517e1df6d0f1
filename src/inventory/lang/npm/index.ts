/**
 * npm ecosystem: installed packages (node_modules) in images, root
 * filesystems and checkouts, and the lock files of npm, Yarn and pnpm in
 * checkouts.
 */
import type { Analyzer } from '../../analyzer.js';
import { npmPackageJsonAnalyzer } from './package-json.js';
import { npmPackageLockAnalyzer } from './package-lock.js';
import { pnpmLockAnalyzer } from './pnpm-lock.js';
import { yarnLockAnalyzer } from './yarn-lock.js';

export const npmAnalyzers: readonly Analyzer[] = [npmPackageJsonAnalyzer, npmPackageLockAnalyzer, yarnLockAnalyzer, pnpmLockAnalyzer];
