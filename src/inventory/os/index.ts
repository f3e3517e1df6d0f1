import type { Analyzer } from '../analyzer.js';
import { alpineReleaseAnalyzer } from './alpine-release.js';
import { debianVersionAnalyzer } from './debian-version.js';
import { lsbReleaseAnalyzer } from './lsb-release.js';
import { osReleaseAnalyzer } from './os-release.js';
import { redhatReleaseAnalyzer } from './redhat-release.js';

export { mergeOsFacts } from './merge.js';
export type { OsFact } from './merge.js';

/** The os analyzers, in the order they run. */
export const osAnalyzers: readonly Analyzer[] = [
  osReleaseAnalyzer,
  alpineReleaseAnalyzer,
  debianVersionAnalyzer,
  redhatReleaseAnalyzer,
  lsbReleaseAnalyzer,
];
