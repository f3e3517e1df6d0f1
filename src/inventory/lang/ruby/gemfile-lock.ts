/**
 * Ruby gems locked by Bundler in `Gemfile.lock` (fs scans only; installed
 * gems in images are read from their gemspecs).
 *
 * The `specs:` lists of the GEM, GIT and PATH sections give one gem per line
 * indented by four spaces, `name (version[-platform])`; six-space lines under
 * it are that gem's own requirements and are skipped. Platform-specific
 * entries (`nokogiri (1.16.7-x86_64-linux)`) report the version alone, the
 * platforms in `gem.platform`. Gems named under DEPENDENCIES are direct;
 * the others are marked `indirect`. Bundler groups (development, test) are
 * not recorded in the lock file, so `dev` is never set. Gems from GIT and
 * PATH sections carry `gem.source` (`git`, `path`) and the remote.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';

const MAX_LINES = 200_000;
const SPEC = /^ {4}([A-Za-z0-9._-]{1,128}) \(([^)\s]{1,128})\)$/;
const DEPENDENCY = /^ {2}([A-Za-z0-9._-]{1,128})!?(?: \(.*\))?$/;

interface Entry {
  name: string;
  version: string;
  platforms: string[];
  source: string;
  remote?: string;
}

export function parseGemfileLock(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const warnings: string[] = [];
  const entries = new Map<string, Entry>();
  const direct = new Set<string>();
  let section = '';
  let remote: string | undefined;
  let inSpecs = false;
  const lines = text.split('\n', MAX_LINES);
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '') return;
    if (!line.startsWith(' ')) {
      section = line.trim();
      remote = undefined;
      inSpecs = false;
      return;
    }
    if (section === 'DEPENDENCIES') {
      const d = DEPENDENCY.exec(line);
      if (d) direct.add(d[1]!);
      return;
    }
    if (section !== 'GEM' && section !== 'GIT' && section !== 'PATH') return;
    if (line.startsWith('  remote: ')) remote = line.slice(10).trim();
    if (/^ {2}\S/.test(line)) {
      inSpecs = line === '  specs:';
      return;
    }
    if (!inSpecs || line.startsWith('      ')) return;
    const m = SPEC.exec(line);
    if (!m) {
      if (warnings.length < 10) warnings.push(`line ${i + 1}: unreadable spec line`);
      return;
    }
    const [, name, full] = m as unknown as [string, string, string];
    const dash = full.indexOf('-');
    const version = dash < 0 ? full : full.slice(0, dash);
    const platform = dash < 0 ? undefined : full.slice(dash + 1);
    if (!/^\d[0-9A-Za-z.]*$/.test(version)) {
      if (warnings.length < 10) warnings.push(`line ${i + 1}: ${name} has an invalid version "${full}"`);
      return;
    }
    const key = `${name}@${version}`;
    let entry = entries.get(key);
    if (!entry) {
      entry = { name, version, platforms: [], source: section.toLowerCase() };
      if (remote && section !== 'GEM') entry.remote = remote;
      entries.set(key, entry);
    }
    if (platform && !entry.platforms.includes(platform)) entry.platforms.push(platform);
  });

  const packages = [...entries.values()].map((e) => {
    const record: PackageRecord = { type: 'gem', name: e.name, version: e.version };
    const properties: Record<string, string> = {};
    if (e.platforms.length) properties['gem.platform'] = e.platforms.join(',');
    if (e.source !== 'gem') properties['gem.source'] = e.source;
    if (e.remote) properties['gem.remote'] = e.remote;
    if (Object.keys(properties).length) record.properties = properties;
    if (direct.size > 0 && !direct.has(e.name)) record.indirect = true;
    return record;
  });
  return { packages, warnings };
}

export const gemfileLockAnalyzer: Analyzer = {
  id: 'gemfile-lock',
  version: 1,
  description: 'Ruby gems from Bundler lock files (Gemfile.lock, gems.locked)',
  targets: ['fs'],
  maxBytes: 16 * 1024 * 1024,
  wants: (path) => {
    const name = basename(path);
    return name === 'Gemfile.lock' || name === 'gems.locked';
  },
  analyze({ content }) {
    const r = parseGemfileLock(content.toString('utf8'));
    if (r.packages.length === 0 && r.warnings.length === 0) return null;
    return r.warnings.length ? r : { packages: r.packages };
  },
};
