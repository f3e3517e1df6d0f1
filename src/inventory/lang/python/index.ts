/**
 * Python ecosystem: installed distributions (dist-info, egg-info) in images,
 * root filesystems and checkouts, and the lock and requirements files of
 * Poetry, pipenv, uv and pip in checkouts.
 */
import type { Analyzer } from '../../analyzer.js';
import { pythonInstalledAnalyzer } from './installed.js';
import { pipfileLockAnalyzer } from './pipfile-lock.js';
import { poetryLockAnalyzer } from './poetry-lock.js';
import { pipRequirementsAnalyzer } from './requirements.js';
import { uvLockAnalyzer } from './uv-lock.js';

export const pythonAnalyzers: readonly Analyzer[] = [
  pythonInstalledAnalyzer,
  poetryLockAnalyzer,
  pipfileLockAnalyzer,
  uvLockAnalyzer,
  pipRequirementsAnalyzer,
];
