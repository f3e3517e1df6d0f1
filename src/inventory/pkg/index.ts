import type { Analyzer } from '../analyzer.js';
import { apkAnalyzer } from './apk.js';
import { dpkgAnalyzer } from './dpkg.js';
import { dpkgInfoAnalyzer } from './dpkg-info.js';
import { rpmdbAnalyzer } from './rpm/rpmdb.js';

/** The pkg analyzers, in the order they run. */
export const pkgAnalyzers: readonly Analyzer[] = [dpkgAnalyzer, dpkgInfoAnalyzer, apkAnalyzer, rpmdbAnalyzer];
