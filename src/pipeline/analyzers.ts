/**
 * Every analyzer the pipeline can run: the inventory (always) and those of
 * the other scanners, each enabled by its `--scanners` entry.
 */
import type { TargetKind } from '../core/types.js';
import type { Analyzer } from '../inventory/analyzer.js';
import { analyzers as inventoryAnalyzers, analyzersFor } from '../inventory/registry.js';
import { dockerfileAnalyzers } from '../misconfig/dockerfile/index.js';
import { secretAnalyzers } from '../secrets/index.js';

export const allAnalyzers: readonly Analyzer[] = [...inventoryAnalyzers, ...dockerfileAnalyzers, ...secretAnalyzers];

export function pipelineAnalyzers(kind: TargetKind, scanners: readonly string[]): Analyzer[] {
  return analyzersFor(kind, scanners, allAnalyzers);
}
