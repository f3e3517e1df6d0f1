/**
 * Dockerfile checks: parse a Dockerfile (dockerfile-ast), lint it against the
 * BH-DF-* checks, and report findings with exact line ranges.
 */
import type { Analyzer } from '../../inventory/analyzer.js';
import { dockerfileAnalyzer } from './analyzer.js';

export { dockerfileChecks } from './checks.js';
export { scanDockerfile, type DockerfileScanResult, type ScanOptions } from './scan.js';
export { dockerfileAnalyzer, isDockerfileName } from './analyzer.js';

/** The analyzers of this folder, for the pipeline's registry. */
export const dockerfileAnalyzers: readonly Analyzer[] = [dockerfileAnalyzer];
