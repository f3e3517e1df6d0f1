/**
 * NuGet packages of .NET Framework projects from `packages.config` (fs scans
 * only). The XML is read with attribute regexes over `<package …/>` elements:
 * no DTD is processed and only the five predefined and numeric character
 * entities are decoded, so entity-expansion attacks have nothing to expand.
 * `developmentDependency="true"` sets `dev`.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';

const MAX_PACKAGES = 50_000;
const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}$/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

function withoutComments(xml: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const start = xml.indexOf('<!--', at);
    if (start < 0) return out + xml.slice(at);
    out += xml.slice(at, start);
    const end = xml.indexOf('-->', start + 4);
    if (end < 0) return out;
    at = end + 3;
  }
}

export function parsePackagesConfig(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const out = { packages: [] as PackageRecord[], warnings: [] as string[] };
  const xml = withoutComments(text);
  if (!/<packages[\s>/]/.test(xml)) {
    out.warnings.push('no <packages> element');
    return out;
  }
  const element = /<package\s([^<>]{0,4096}?)\/?>/g;
  let bad = 0;
  for (let m = element.exec(xml); m && out.packages.length < MAX_PACKAGES; m = element.exec(xml)) {
    const attrs = new Map<string, string>();
    const attr = /([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
    for (let a = attr.exec(m[1]!); a; a = attr.exec(m[1]!)) attrs.set(a[1]!, decode(a[2] ?? a[3] ?? ''));
    const id = attrs.get('id');
    const version = attrs.get('version');
    if (!id || !ID.test(id) || !version || !/^[0-9][0-9A-Za-z.+-]{0,127}$/.test(version)) {
      bad++;
      continue;
    }
    const record: PackageRecord = { type: 'nuget', name: id, version };
    if (attrs.get('developmentDependency')?.toLowerCase() === 'true') record.dev = true;
    const framework = attrs.get('targetFramework');
    if (framework && framework.length <= 64) record.properties = { 'nuget.frameworks': framework };
    out.packages.push(record);
  }
  if (bad) out.warnings.push(`${bad} <package> elements without a valid id and version skipped`);
  return out;
}

export const packagesConfigAnalyzer: Analyzer = {
  id: 'nuget-packages-config',
  version: 1,
  description: 'NuGet packages of .NET Framework projects from packages.config',
  targets: ['fs'],
  maxBytes: 8 * 1024 * 1024,
  wants: (path) => basename(path) === 'packages.config',
  analyze({ content }) {
    const r = parsePackagesConfig(content.toString('utf8'));
    if (r.packages.length === 0 && r.warnings.length === 0) return null;
    return r.warnings.length ? r : { packages: r.packages };
  },
};
