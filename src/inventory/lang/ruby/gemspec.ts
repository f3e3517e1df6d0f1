/**
 * Installed Ruby gems from the specifications RubyGems writes at install
 * time (`…/specifications/<name>-<version>.gemspec`: Ruby source generated
 * by `Gem::Specification#to_ruby`), in images, root filesystems and
 * checkouts (a vendored bundle keeps the same layout). The default gems
 * bundled with Ruby (`specifications/default/`) are included and marked
 * `gem.default`.
 *
 * The file is Ruby and is never evaluated: name, version, platform and
 * licenses are read with regexes anchored to the assignment lines RubyGems
 * generates (`s.name = "rack".freeze`, `s.licenses = ["MIT".freeze]`), with
 * the `# stub: name version platform` header as a fallback. Hand-written
 * gemspecs that compute these values are skipped with a warning.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';

/** A Ruby string literal: "…", '…' or %q{…} (and the other %q delimiters), with an optional `.freeze`. */
const STRING = String.raw`(?:"((?:[^"\\\n]|\\.){0,512})"|'((?:[^'\\\n]|\\.){0,512})'|%q\{([^}\n]{0,512})\}|%q<([^>\n]{0,512})>|%q\(([^)\n]{0,512})\)|%q\[([^\]\n]{0,512})\])(?:\.freeze)?`;
const GEM_NAME = /^[A-Za-z0-9._-]{1,128}$/;
const GEM_VERSION = /^[0-9]+[0-9A-Za-z.]*$/;

function literal(m: RegExpExecArray, from: number): string | undefined {
  for (let i = from; i < from + 6; i++) if (m[i] !== undefined) return m[i]!.replace(/\\(.)/g, '$1');
  return undefined;
}

function assignment(text: string, attr: string, value: string): RegExpExecArray | null {
  return new RegExp(String.raw`^[ \t]*\w+\.${attr}[ \t]*=[ \t]*${value}`, 'm').exec(text);
}

function stringAttr(text: string, attr: string): string | undefined {
  const m = assignment(text, attr, STRING);
  return m ? literal(m, 1) : undefined;
}

function licenses(text: string): string[] {
  const list = assignment(text, 'licenses', String.raw`\[([^\]\n]{0,2048})\]`);
  const out: string[] = [];
  if (list) {
    const re = new RegExp(STRING, 'g');
    for (let m = re.exec(list[1]!); m && out.length < 20; m = re.exec(list[1]!)) {
      const v = literal(m, 1);
      if (v) out.push(v);
    }
    return out;
  }
  const single = stringAttr(text, 'license');
  return single ? [single] : [];
}

export function parseGemspec(text: string): { package?: PackageRecord; warning?: string } {
  const stub = /^# stub: (\S+) (\S+)(?: (\S+))?/m.exec(text);
  const name = stringAttr(text, 'name') ?? stub?.[1];
  let version = stringAttr(text, 'version');
  if (version === undefined) {
    const v = assignment(text, 'version', String.raw`Gem::Version\.new\(${STRING}\)`);
    version = v ? literal(v, 1) : stub?.[2];
  }
  if (!name || !GEM_NAME.test(name)) return { warning: 'no literal gem name found' };
  if (!version || !GEM_VERSION.test(version)) return { warning: `${name}: no literal gem version found` };
  const record: PackageRecord = { type: 'gem', name, version };
  const found = licenses(text);
  if (found.length) record.licenses = found;
  const platform = stringAttr(text, 'platform') ?? (stub?.[3] && stub[3] !== 'ruby' ? stub[3] : undefined);
  if (platform && platform !== 'ruby' && /^[\w.-]{1,64}$/.test(platform)) record.properties = { 'gem.platform': platform };
  return { package: record };
}

/** `…/specifications/x.gemspec`, and `…/specifications/default/x.gemspec` for the default gems shipped with Ruby. */
export function isInstalledGemspec(path: string): boolean {
  if (!path.endsWith('.gemspec')) return false;
  const dir = path.slice(0, path.lastIndexOf('/'));
  return dir.endsWith('/specifications') || dir.endsWith('/specifications/default');
}

export const gemspecAnalyzer: Analyzer = {
  id: 'gemspec',
  version: 1,
  description: 'Installed Ruby gems from RubyGems specifications (specifications/*.gemspec), read without evaluating them',
  targets: ['image', 'rootfs', 'fs'],
  maxBytes: 1024 * 1024,
  wants: isInstalledGemspec,
  analyze({ path, content }) {
    const r = parseGemspec(content.toString('utf8'));
    if (!r.package) return { warnings: [r.warning!] };
    // Default gems (json, openssl, uri…) ship inside Ruby itself and are updated with it or by `gem update`.
    if (path.includes('/specifications/default/')) r.package.properties = { ...r.package.properties, 'gem.default': 'true' };
    return { packages: [r.package] };
  },
};
