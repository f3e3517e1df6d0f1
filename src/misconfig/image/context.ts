/**
 * What every image rule receives: the scan result, the options resolved to
 * values, and lookups several rules share (the layer a history entry made).
 * Everything in a ScanResult that came from the image is attacker-controlled
 * text, so the limits here bound what the rules read.
 */
import type { Finding, HistoryEntry, LayerRef, ScanResult } from '../../core/types.js';

export interface ImageCheckOptions {
  /** The date EOL and age are measured against; default: the current date. */
  now?: Date;
  /** Report images built more than this many days before `now`; default 365. */
  maxImageAgeDays?: number;
  /** Report an OS release this many days before its end of life, at low severity; default 90, 0 turns it off. */
  eolWarningDays?: number;
  /** Findings one check reports before summarising the rest in one more; default 100. */
  maxFindingsPerCheck?: number;
}

export interface ImageCheckContext {
  result: ScanResult;
  now: Date;
  maxImageAgeDays: number;
  eolWarningDays: number;
  maxFindingsPerCheck: number;
}

export type ImageRule = (ctx: ImageCheckContext) => Finding[];

/** Hostile-input bounds: entries of each list read, and characters of each string. */
export const LIMITS = {
  historyEntries: 2000,
  envEntries: 2000,
  labels: 2000,
  ports: 1000,
  notableFiles: 100_000,
  textChars: 64 * 1024,
} as const;

export function resolveContext(result: ScanResult, options: ImageCheckOptions = {}): ImageCheckContext {
  const now = options.now && !Number.isNaN(options.now.getTime()) ? options.now : new Date();
  return {
    result,
    now,
    maxImageAgeDays: nonNegative(options.maxImageAgeDays, 365),
    eolWarningDays: nonNegative(options.eolWarningDays, 90),
    maxFindingsPerCheck: Math.max(1, Math.floor(nonNegative(options.maxFindingsPerCheck, 100))),
  };
}

function nonNegative(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}

/** The history entries to read, each with its index in the config's history. */
export function historyEntries(ctx: ImageCheckContext): Array<{ index: number; entry: HistoryEntry; text: string }> {
  const history = ctx.result.image?.history ?? [];
  const out: Array<{ index: number; entry: HistoryEntry; text: string }> = [];
  for (let i = 0; i < history.length && i < LIMITS.historyEntries; i++) {
    const entry = history[i]!;
    const text = typeof entry.createdBy === 'string' ? entry.createdBy.slice(0, LIMITS.textChars) : '';
    if (text) out.push({ index: i, entry, text });
  }
  return out;
}

/** The layer a history entry made, when it made one (empty-layer steps such as ENV or USER make none). */
export function layerForHistory(ctx: ImageCheckContext, historyIndex: number): LayerRef | undefined {
  const layer = ctx.result.image?.layers.find((l) => l.historyIndex === historyIndex);
  if (!layer) return undefined;
  const ref: LayerRef = { index: layer.index, diffID: layer.diffID };
  if (layer.digest) ref.digest = layer.digest;
  if (layer.createdBy !== undefined) ref.createdBy = layer.createdBy;
  ref.historyIndex = historyIndex;
  return ref;
}

/** The instruction word of a `created_by` (`RUN`, `ENV`, `ADD`…), classic builder and BuildKit forms. */
export function instructionOf(createdBy: string): string {
  const nop = /#\(nop\)\s+([A-Z]+)\b/.exec(createdBy.slice(0, 512));
  if (nop) return nop[1]!;
  const head = /^\s*([A-Z]+)\b/.exec(createdBy);
  if (head && head[1] !== 'RUN' && /^(ADD|COPY|ENV|ARG|LABEL|USER|EXPOSE|HEALTHCHECK|CMD|ENTRYPOINT|WORKDIR|VOLUME|ONBUILD|SHELL|STOPSIGNAL|MAINTAINER)$/.test(head[1]!)) {
    return head[1]!;
  }
  return 'RUN';
}

/**
 * Cap a rule's per-item findings at the configured maximum, replacing the
 * rest with one finding that says how many were left out.
 */
export function capFindings(ctx: ImageCheckContext, findings: Finding[], summarise: (omitted: Finding[]) => Finding): Finding[] {
  if (findings.length <= ctx.maxFindingsPerCheck) return findings;
  const kept = findings.slice(0, ctx.maxFindingsPerCheck);
  kept.push(summarise(findings.slice(ctx.maxFindingsPerCheck)));
  return kept;
}
