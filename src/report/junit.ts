/**
 * JUnit XML for CI test dashboards: one test suite per finding kind, one test
 * case per finding. Unsuppressed findings at or above `failOn` fail, suppressed
 * ones are skipped, the rest pass.
 */
import type { Finding, FindingKind, ScanResult, Severity } from '../core/types.js';

export interface JUnitOptions {
  /** Lowest severity that fails a test case; every unsuppressed finding fails when absent. */
  failOn?: Severity;
}

const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1, unknown: 0 };
const KIND_ORDER: readonly FindingKind[] = ['vulnerability', 'secret', 'misconfiguration', 'license', 'policy', 'runtime'];

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(s: string): string {
  return s.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function className(f: Finding): string {
  if (f.package) return `${f.package.name}@${f.installedVersion ?? f.package.version}`;
  return f.location.path ?? f.location.object?.name ?? f.kind;
}

function details(f: Finding): string {
  const lines = [`${f.id}: ${f.title}`, `Severity: ${f.severity}`];
  if (f.status) lines.push(`Status: ${f.status}`);
  if (f.package) lines.push(`Package: ${f.package.name}`, `Installed version: ${f.installedVersion ?? f.package.version}`);
  if (f.kind === 'vulnerability') lines.push(`Fixed version: ${f.fixedVersion ?? 'none'}`);
  if (f.location.path) lines.push(`Location: ${f.location.path}${f.location.startLine ? `:${f.location.startLine}` : ''}`);
  if (f.location.object) {
    const o = f.location.object;
    lines.push(`Object: ${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`);
  }
  if (f.location.layer) lines.push(`Layer: ${f.location.layer.index} ${f.location.layer.diffID}`);
  if (f.evidence) lines.push(`Match: ${f.evidence}`);
  if (f.remediation) lines.push(`Remediation: ${f.remediation}`);
  for (const r of f.references) lines.push(`Reference: ${r}`);
  return lines.join('\n');
}

type Outcome = 'failure' | 'skipped' | 'passed';

function outcome(f: Finding, failOn: Severity | undefined): Outcome {
  if (f.suppressedBy) return 'skipped';
  if (failOn === undefined || RANK[f.severity] >= RANK[failOn]) return 'failure';
  return 'passed';
}

function testCase(f: Finding, o: Outcome): string {
  const open = `    <testcase classname="${xmlAttr(className(f))}" name="${xmlAttr(f.id)}"`;
  if (o === 'passed') return `${open}/>`;
  if (o === 'skipped') {
    const s = f.suppressedBy!;
    return `${open}>\n      <skipped message="${xmlAttr(`suppressed by ${s.kind} (${s.source}): ${s.reason}`)}"/>\n    </testcase>`;
  }
  return [
    `${open}>`,
    `      <failure message="${xmlAttr(f.title)}" type="${xmlAttr(f.severity)}">${xmlText(details(f))}</failure>`,
    '    </testcase>',
  ].join('\n');
}

export function renderJUnit(result: ScanResult, options: JUnitOptions = {}): string {
  const byKind = new Map<FindingKind, Finding[]>();
  for (const f of result.findings) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  const kinds = [...byKind.keys()].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));

  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const suites: string[] = [];
  for (const kind of kinds) {
    const findings = byKind.get(kind) ?? [];
    const outcomes = findings.map((f) => outcome(f, options.failOn));
    const nFail = outcomes.filter((o) => o === 'failure').length;
    const nSkip = outcomes.filter((o) => o === 'skipped').length;
    tests += findings.length;
    failures += nFail;
    skipped += nSkip;
    suites.push(
      [
        `  <testsuite name="${xmlAttr(kind)}" tests="${findings.length}" failures="${nFail}" errors="0" skipped="${nSkip}" timestamp="${xmlAttr(result.createdAt)}">`,
        '    <properties>',
        `      <property name="target" value="${xmlAttr(result.target.name)}"/>`,
        `      <property name="target.kind" value="${xmlAttr(result.target.kind)}"/>`,
        '    </properties>',
        ...findings.map((f, i) => testCase(f, outcomes[i]!)),
        '  </testsuite>',
      ].join('\n'),
    );
  }
  const name = `${result.tool.name} ${result.target.name}`;
  const head = `<testsuites name="${xmlAttr(name)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites, '</testsuites>', ''].join('\n');
}
