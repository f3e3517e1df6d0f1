/**
 * `scanDockerfile`: parse, run every rule, apply inline suppressions, and
 * return findings located by file and exact line range.
 */
import { findingFor } from '../../core/check.js';
import type { Finding, Suppression } from '../../core/types.js';
import { RuleContext, type RawFinding, type ScanOptions } from './context.js';
import { loadDockerfile, MAX_EVIDENCE } from './document.js';
import { dockerfileRules } from './rules/index.js';
import { redact } from './rules/secrets.js';
import { MAX_COMMANDS } from './shell.js';
import { ignoreComments } from './suppression.js';

export type { ScanOptions } from './context.js';

export interface DockerfileScanResult {
  findings: Finding[];
  /** Things the user should know: unused suppressions, limits hit. */
  warnings: string[];
}

/** More findings than this in one file are dropped (with a warning): the file is not a real Dockerfile or is generated. */
export const MAX_FINDINGS = 1000;

/**
 * Checks one Dockerfile. Throws BulkheadError (`TARGET_UNSUPPORTED` for
 * binary content, `LIMIT_EXCEEDED` for oversized input) when the text is not
 * a Dockerfile at all; any other problem in the file is a finding or a warning.
 */
export function scanDockerfile(text: string, file: string, options: ScanOptions = {}): DockerfileScanResult {
  const doc = loadDockerfile(text, file);
  const ctx = new RuleContext(doc, options);
  const warnings: string[] = [];
  for (const rule of dockerfileRules) {
    try {
      rule.run(ctx);
    } catch (e) {
      warnings.push(`${file}: the ${rule.name} checks stopped early: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const ins of doc.instructions) {
    if (ins.keyword === 'RUN' && ctx.run(ins).parts.some((p) => p.script.truncated)) {
      warnings.push(`${file}:${ins.span.startLine}: RUN has more than ${MAX_COMMANDS} commands; the rest are not checked`);
    }
  }

  const raw = dedupe(ctx.findings).sort((a, b) => a.span.startLine - b.span.startLine || a.check.id.localeCompare(b.check.id));
  if (raw.length > MAX_FINDINGS) {
    warnings.push(`${file}: ${raw.length} findings, only the first ${MAX_FINDINGS} are reported`);
    raw.length = MAX_FINDINGS;
  }
  const ignores = ignoreComments(doc);
  const findings = raw.map((f) => {
    let suppressedBy: Suppression | undefined;
    const comments = f.instr ? ignores.get(f.instr.span.startLine) : undefined;
    const c = comments?.find((x) => x.ids.includes(f.check.id));
    if (c) {
      c.used = true;
      suppressedBy = { kind: 'inline', source: `${file}:${c.line}`, reason: c.reason || 'no reason given' };
    }
    return findingFor(
      f.check,
      { path: file, startLine: f.span.startLine, endLine: f.span.endLine },
      {
        ...(f.title !== undefined ? { title: bounded(f.title, MAX_TITLE) } : {}),
        ...(f.evidence !== undefined ? { evidence: bounded(redact(f.evidence), MAX_EVIDENCE) } : {}),
        ...(f.severity !== undefined ? { severity: f.severity } : {}),
        ...(f.remediation !== undefined ? { remediation: f.remediation } : {}),
        ...(suppressedBy ? { suppressedBy } : {}),
      },
    );
  });
  for (const comments of ignores.values()) {
    for (const c of comments) {
      if (!c.used) warnings.push(`${file}:${c.line}: bulkhead:ignore ${c.ids.join(', ')} matches no finding of the instruction below it`);
    }
  }
  if (warnings.length > MAX_WARNINGS) warnings.splice(MAX_WARNINGS, warnings.length - MAX_WARNINGS, `${file}: ${warnings.length - MAX_WARNINGS} more warnings`);
  return { findings, warnings };
}

const MAX_WARNINGS = 20;

/** Titles quote values from the file; keep them readable. */
const MAX_TITLE = 300;

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function dedupe(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.check.id}|${f.span.startLine}|${f.span.endLine}|${f.title ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
