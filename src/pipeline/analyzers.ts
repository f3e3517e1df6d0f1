/**
 * Every analyzer the pipeline can run: the inventory (always) and those of
 * the other scanners, each enabled by its `--scanners` entry.
 */
import type { TargetKind } from '../core/types.js';
import type { Analyzer } from '../inventory/analyzer.js';
import { analyzers as inventoryAnalyzers, analyzersFor } from '../inventory/registry.js';
import { dockerfileAnalyzers } from '../misconfig/dockerfile/index.js';
import { createSecretAnalyzer, secretAnalyzers, type SecretRule } from '../secrets/index.js';

export const allAnalyzers: readonly Analyzer[] = [...inventoryAnalyzers, ...dockerfileAnalyzers, ...secretAnalyzers];

/** With custom secret rules, the secret analyzer is rebuilt with them (and a new id, so cached layers are rescanned). */
export function pipelineAnalyzers(kind: TargetKind, scanners: readonly string[], secretRules: readonly SecretRule[] = []): Analyzer[] {
  const list = secretRules.length
    ? allAnalyzers.map((a) => (secretAnalyzers.includes(a) ? createSecretAnalyzer({ extraRules: secretRules }) : a))
    : allAnalyzers;
  return analyzersFor(kind, scanners, list);
}
