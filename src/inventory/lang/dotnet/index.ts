import type { Analyzer } from '../../analyzer.js';
import { dotnetDepsAnalyzer } from './deps-json.js';
import { packagesConfigAnalyzer } from './packages-config.js';
import { nugetLockAnalyzer } from './packages-lock.js';

/** .NET: deps.json of built applications, and NuGet lock files and packages.config in source checkouts. */
export const dotnetAnalyzers: readonly Analyzer[] = [dotnetDepsAnalyzer, nugetLockAnalyzer, packagesConfigAnalyzer];
