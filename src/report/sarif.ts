/**
 * SARIF 2.1.0 for code scanning dashboards (GitHub, Azure DevOps, GitLab):
 * one run, one rule per distinct finding id, one result per finding.
 * Severity travels both as SARIF `level` and as the numeric
 * `security-severity` property GitHub uses to rank security alerts.
 */
import { createHash } from 'node:crypto';
import type { Finding, ScanResult, Severity } from '../core/types.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://bulkhead.dev';

type Level = 'error' | 'warning' | 'note';

const SECURITY_SEVERITY: Partial<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
};

const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1, unknown: 0 };

export function sarifLevel(severity: Severity): Level {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'note';
}

function isWebUri(s: string): boolean {
  return /^https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/.test(s);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A relative URI reference: no leading `/`, every segment percent-encoded. */
export function artifactUri(path: string): string {
  // encodeURIComponent throws on a lone surrogate, which a hostile file name can carry.
  const rel = path.replace(LONE_SURROGATE, '\uFFFD').replace(/^\/+/, '');
  return rel
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function findingPath(f: Finding, result: ScanResult, packagePaths: Map<string, string>): string {
  if (f.location.path) return f.location.path;
  const fromPackage = f.package ? packagePaths.get(f.package.id) : undefined;
  if (fromPackage) return fromPackage;
  return result.image?.reference ?? result.target.name;
}

function packageLabel(f: Finding): string {
  return f.package ? `${f.package.name}@${f.installedVersion ?? f.package.version}` : '';
}

export function fingerprint(f: Finding, path: string): string {
  return createHash('sha256').update(`${f.id}\u0000${path}\u0000${packageLabel(f)}`).digest('hex');
}

function messageText(f: Finding): string {
  const lines = [f.title];
  if (f.package) {
    lines.push(`Package: ${f.package.name}`);
    lines.push(`Installed version: ${f.installedVersion ?? f.package.version}`);
  }
  if (f.kind === 'vulnerability') lines.push(`Fixed version: ${f.fixedVersion ?? 'none'}`);
  if (f.status) lines.push(`Status: ${f.status}`);
  lines.push(`Severity: ${f.severity}`);
  if (f.evidence) lines.push(`Match: ${f.evidence}`);
  if (f.location.layer) {
    const l = f.location.layer;
    lines.push(`Layer: ${l.index} ${l.diffID}${l.createdBy ? ` (${l.createdBy})` : ''}`);
  }
  return lines.join('\n');
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; precision: string; 'security-severity'?: string };
}

function buildRule(f: Finding, severity: Severity): SarifRule {
  const help = f.remediation ?? f.title;
  const refs = f.references.filter(isWebUri);
  const rule: SarifRule = {
    id: f.id,
    name: f.id,
    shortDescription: { text: f.title },
    fullDescription: { text: f.title },
    help: {
      text: [help, ...f.references.map((r) => `- ${r}`)].join('\n'),
      markdown: [help, ...refs.map((r) => `- <${r}>`)].join('\n'),
    },
    defaultConfiguration: { level: sarifLevel(severity) },
    properties: { tags: [f.kind, 'security'], precision: 'very-high' },
  };
  if (refs[0]) rule.helpUri = refs[0];
  const score = SECURITY_SEVERITY[severity];
  if (score) rule.properties['security-severity'] = score;
  return rule;
}

export function renderSarif(result: ScanResult): string {
  const packagePaths = new Map<string, string>();
  for (const p of result.packages) {
    const first = p.locations[0];
    if (first && !packagePaths.has(p.id)) packagePaths.set(p.id, first);
  }

  // A rule is ranked by the worst finding that carries its id.
  const worst = new Map<string, Finding>();
  for (const f of result.findings) {
    const seen = worst.get(f.id);
    if (!seen || RANK[f.severity] > RANK[seen.severity]) worst.set(f.id, f);
  }
  const ruleIndex = new Map<string, number>();
  const rules: SarifRule[] = [];
  for (const [id, f] of worst) {
    ruleIndex.set(id, rules.length);
    rules.push(buildRule(f, f.severity));
  }

  const results = result.findings.map((f) => {
    const path = findingPath(f, result, packagePaths);
    const region: Record<string, number> = {};
    const start = f.location.startLine;
    if (start !== undefined && Number.isInteger(start) && start >= 1) {
      region.startLine = start;
      const end = f.location.endLine;
      if (end !== undefined && Number.isInteger(end) && end >= start) region.endLine = end;
    }
    const physicalLocation: Record<string, unknown> = { artifactLocation: { uri: artifactUri(path) } };
    if (region.startLine !== undefined) physicalLocation.region = region;
    const properties: Record<string, unknown> = { kind: f.kind, severity: f.severity };
    if (f.package) properties.purl = f.package.purl;
    if (f.fixedVersion) properties.fixedVersion = f.fixedVersion;
    if (f.location.layer) properties.layerDiffID = f.location.layer.diffID;
    const out: Record<string, unknown> = {
      ruleId: f.id,
      ruleIndex: ruleIndex.get(f.id),
      level: sarifLevel(f.severity),
      message: { text: messageText(f) },
      locations: [{ physicalLocation }],
      partialFingerprints: { 'bulkhead/v1': fingerprint(f, path) },
      properties,
    };
    if (f.suppressedBy) {
      out.suppressions = [
        {
          kind: f.suppressedBy.kind === 'inline' ? 'inSource' : 'external',
          status: 'accepted',
          justification: `${f.suppressedBy.kind} (${f.suppressedBy.source}): ${f.suppressedBy.reason}`,
        },
      ];
    }
    return out;
  });

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name,
            version: result.tool.version,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        results,
        columnKind: 'utf16CodeUnits',
        properties: {
          target: result.target,
          ...(result.image ? { imageReference: result.image.reference, configDigest: result.image.configDigest } : {}),
          ...(result.os ? { os: `${result.os.family} ${result.os.version}` } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
