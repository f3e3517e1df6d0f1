/**
 * The human-readable report: what was scanned, the OS, the inventory per
 * package type (with the layer that added each package), notable files,
 * findings and notices.
 */
import pc from 'picocolors';
import { SEVERITIES, type Package, type ScanResult } from '../core/types.js';

export interface TableOptions {
  color: boolean;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function layerLabel(p: Package): string {
  return p.layer ? String(p.layer.index) : '';
}

export function renderTable(result: ScanResult, options: TableOptions): string {
  const c = pc.createColors(options.color);
  const out: string[] = [];
  out.push(c.bold(`${result.target.name}`) + c.dim(` (${result.target.kind})`));
  if (result.image) {
    const img = result.image;
    out.push(`  platform ${img.os}/${img.architecture}${img.variant ? `/${img.variant}` : ''}, ${img.layers.length} layers`);
    if (img.manifestDigest) out.push(`  manifest ${img.manifestDigest}`);
    out.push(`  config   ${img.configDigest}`);
  }
  if (result.os) {
    const os = result.os;
    out.push(`  os       ${os.prettyName ?? `${os.family} ${os.version}`}${os.distroless ? ' (distroless: no os-release)' : ''}`);
  }
  const byType = new Map<string, Package[]>();
  for (const p of result.packages) byType.set(p.type, [...(byType.get(p.type) ?? []), p]);
  const counts = [...byType].map(([t, l]) => `${l.length} ${t}`).join(', ');
  if (result.kubernetes) {
    const k = result.kubernetes;
    const kinds = Object.entries(k.kinds).sort(([, a], [, b]) => b - a).map(([kind, n]) => `${n} ${kind}`).join(', ');
    out.push(`  objects  ${k.objects}${kinds ? ` (${kinds})` : ''}`);
    if (k.version) out.push(`  version  ${k.version.version} (${k.version.status}; from ${k.version.source})`);
  }
  if (result.target.kind !== 'kubernetes' || result.packages.length) out.push(`  packages ${result.packages.length}${counts ? ` (${counts})` : ''}`);
  if (result.compliance?.length) {
    out.push('', c.bold('compliance'));
    out.push(
      table(
        ['framework', 'score', 'controls passed', 'controls failed', 'failing controls'],
        result.compliance.map((r) => [r.title, `${r.score.toFixed(1)}%`, String(r.controlsPassed), String(r.controlsFailed), r.controls.filter((x) => x.failed).map((x) => `${x.control} (${x.failed})`).join(', ').slice(0, 80)]),
      ),
    );
  }
  const admission = result.kubernetes?.admission.filter((a) => a.enforce === 'rejected' || a.warn.length || a.audit.length) ?? [];
  if (admission.length) {
    out.push('', c.bold('Pod Security admission (labelled namespaces)'));
    out.push(
      table(
        ['object', 'level', 'enforce', 'warn', 'audit'],
        admission.map((a) => [
          `${a.object.namespace ? `${a.object.namespace}/` : ''}${a.object.name}[${a.object.kind}]`,
          a.level,
          a.enforce === 'rejected' ? (a.appliesTo === 'pod' ? 'REJECTED' : 'pods rejected') : 'allowed',
          a.warn.length ? 'warns' : '',
          a.audit.length ? 'audited' : '',
        ]),
      ),
    );
  }
  for (const [type, list] of byType) {
    out.push('', c.bold(`${type} packages`));
    const rows = list.map((p) => [
      p.namespace ? `${p.namespace}:${p.name}` : p.name,
      p.version,
      p.sourceName && (p.sourceName !== p.name || (p.sourceVersion && p.sourceVersion !== p.version))
        ? `${p.sourceName}${p.sourceVersion && p.sourceVersion !== p.version ? ` ${p.sourceVersion}` : ''}`
        : p.ownedBy
          ? `(${p.ownedBy.type} ${p.ownedBy.name})`
          : '',
      layerLabel(p),
      p.locations[0] ?? '',
    ]);
    out.push(table(['name', 'version', 'source / owner', 'layer', 'found in'], rows));
  }
  if (result.notableFiles?.length) {
    out.push('', c.bold('notable files'));
    out.push(
      table(
        ['path', 'mode', 'why', 'layer'],
        result.notableFiles.map((f) => [f.path, `0${f.mode.toString(8)}`, f.reasons.join(', '), f.layer ? String(f.layer.index) : '']),
      ),
    );
  }
  if (result.findings.length) {
    out.push('', c.bold(`findings (${result.findings.length})`));
    const where = (f: (typeof result.findings)[number]) =>
      f.kind === 'vulnerability' && f.package
        ? `${f.package.name} ${f.installedVersion ?? f.package.version}${f.fixedVersion ? ` → ${f.fixedVersion}` : ''}${f.status ? ` (${f.status})` : ''}`
        : `${f.location.object ? `${f.location.object.namespace ? `${f.location.object.namespace}/` : ''}${f.location.object.name}[${f.location.object.kind}] ` : ''}${f.location.path ?? ''}${f.location.startLine ? `:${f.location.startLine}` : ''}`;
    const rank = (sev: string) => SEVERITIES.indexOf(sev as (typeof SEVERITIES)[number]);
    const ordered = [...result.findings].sort((a, b) => rank(a.severity) - rank(b.severity) || a.id.localeCompare(b.id));
    out.push(
      table(
        ['severity', 'id', 'title', 'package / where', 'layer', 'evidence'],
        ordered.map((f) => [
          f.suppressedBy ? `${f.severity} (suppressed)` : f.severity,
          f.id,
          f.title,
          where(f),
          f.location.layer ? String(f.location.layer.index) : '',
          (f.evidence ?? '').replace(/\s+/g, ' ').slice(0, 60),
        ]),
      ),
    );
  }
  const warnings = result.notices.filter((n) => n.level !== 'info');
  if (warnings.length) {
    out.push('', c.yellow(`${warnings.length} notice(s):`));
    for (const n of warnings.slice(0, 50)) out.push(`  ${n.level}: ${n.message}`);
    if (warnings.length > 50) out.push(`  … ${warnings.length - 50} more (see --format json)`);
  }
  return `${out.join('\n')}\n`;
}
