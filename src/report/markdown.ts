/**
 * A pull-request summary in GitHub-flavoured Markdown: what was scanned, the
 * count per severity, and the findings grouped by kind. The tables stop after
 * a fixed number of rows so the comment stays within platform size limits.
 */
import type { Finding, FindingKind, ScanResult } from '../core/types.js';
import { SEVERITIES } from '../core/types.js';

export const MAX_ROWS = 100;

const KIND_ORDER: readonly FindingKind[] = ['vulnerability', 'secret', 'misconfiguration', 'license', 'policy', 'runtime'];
const KIND_TITLE: Record<FindingKind, string> = {
  vulnerability: 'Vulnerabilities',
  secret: 'Secrets',
  misconfiguration: 'Misconfigurations',
  license: 'Licenses',
  policy: 'Policy',
  runtime: 'Runtime',
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Plain table cell text: one line, Markdown and HTML syntax escaped. */
export function cell(s: string): string {
  return s
    .replace(CONTROL, '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]<>|~#!]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/@/g, '&#64;');
}

/** Inline code in a table cell (names, versions): no mentions or links inside. */
export function code(s: string): string {
  const t = s.replace(CONTROL, '').replace(/[\r\n]+/g, ' ').replace(/`/g, "'").trim();
  return t ? `\`${t.replace(/\|/g, '\\|')}\`` : '';
}

function link(text: string, url: string | undefined): string {
  if (!url || !/^https?:\/\/[^\s<>"]+$/.test(url)) return cell(text);
  const safe = url.replace(/[()[\]|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${cell(text)}](${safe})`;
}

function status(f: Finding): string {
  if (f.suppressedBy) return `suppressed (${cell(f.suppressedBy.kind)})`;
  return f.status ? cell(f.status) : '';
}

function where(f: Finding): string {
  const p = f.location.path;
  if (p) return code(`${p}${f.location.startLine ? `:${f.location.startLine}` : ''}`);
  const o = f.location.object;
  if (o) return code(`${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`);
  return '';
}

function columns(kind: FindingKind): { headers: string[]; row: (f: Finding) => string[] } {
  const id = (f: Finding) => link(f.id, f.references.find((r) => /^https?:\/\//.test(r)));
  switch (kind) {
    case 'vulnerability':
      return {
        headers: ['ID', 'Package', 'Installed', 'Fixed', 'Severity', 'Status'],
        row: (f) => [
          id(f),
          code(f.package?.name ?? ''),
          code(f.installedVersion ?? f.package?.version ?? ''),
          code(f.fixedVersion ?? ''),
          cell(f.severity),
          status(f),
        ],
      };
    case 'secret':
      return {
        headers: ['ID', 'Title', 'Location', 'Match', 'Severity', 'Status'],
        row: (f) => [id(f), cell(f.title), where(f), code(f.evidence ?? ''), cell(f.severity), status(f)],
      };
    default:
      return {
        headers: ['ID', 'Title', 'Location', 'Severity', 'Status'],
        row: (f) => [id(f), cell(f.title), where(f) || code(f.package?.name ?? ''), cell(f.severity), status(f)],
      };
  }
}

function table(headers: string[], rows: string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => ' --- |').join('')}`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export function renderMarkdown(result: ScanResult): string {
  const out: string[] = [];
  out.push(`## Bulkhead scan of ${cell(result.target.kind)} ${code(result.target.name)}`, '');
  const facts: string[] = [];
  if (result.os) facts.push(`OS: ${cell(result.os.prettyName ?? `${result.os.family} ${result.os.version}`)}`);
  facts.push(`Packages: ${result.packages.length}`);
  facts.push(`Scanners: ${result.scanners.map(cell).join(', ') || 'none'}`);
  out.push(facts.join(' · '), '');

  const active = result.findings.filter((f) => !f.suppressedBy);
  const suppressed = result.findings.length - active.length;
  if (result.findings.length === 0) {
    out.push('No findings.', '');
    return out.join('\n');
  }
  out.push(
    ...table(
      SEVERITIES.map((s) => s[0]!.toUpperCase() + s.slice(1)),
      [SEVERITIES.map((s) => String(active.filter((f) => f.severity === s).length))],
    ),
    '',
  );
  out.push(`${active.length} open finding${active.length === 1 ? '' : 's'}${suppressed ? `, ${suppressed} suppressed` : ''}.`, '');

  const byKind = new Map<FindingKind, Finding[]>();
  for (const f of result.findings) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  const kinds = [...byKind.keys()].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
  let budget = MAX_ROWS;
  for (const kind of kinds) {
    const findings = byKind.get(kind) ?? [];
    out.push(`### ${KIND_TITLE[kind]} (${findings.length})`, '');
    const shown = findings.slice(0, budget);
    budget -= shown.length;
    if (shown.length) {
      const { headers, row } = columns(kind);
      out.push(...table(headers, shown.map(row)), '');
    }
    const rest = findings.length - shown.length;
    if (rest > 0) out.push(`… ${rest} more`, '');
  }
  return out.join('\n');
}
