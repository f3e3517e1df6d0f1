/**
 * Rust crates compiled into an executable built with cargo-auditable: a
 * `.dep-v0` section (ELF, PE; `__DATA,.dep-v0` in Mach-O) holding the
 * dependency tree as zlib-compressed JSON
 * `{"packages":[{name, version, source, kind?, dependencies?, root?}]}`.
 *
 * Reported: every package of kind `runtime` (the default), the root crate
 * marked `properties.main = "true"`, each with its `cargo.source` (`crates.io`,
 * `registry`, `git`, `local`). Build-time packages (`kind: "build"`: build
 * scripts and proc-macros such as serde_derive or syn) are left out: their
 * code is not in the binary, so their vulnerabilities are not the binary's.
 * Rust binaries built without cargo-auditable carry no such list and yield
 * nothing.
 */
import { inflateSync } from 'node:zlib';
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { MAX_EXECUTABLE_BYTES, executableFormat, isCandidateExecutable, parseExecutable, sectionData } from '../go/executable.js';

const SECTION = '.dep-v0';
/** Compressed data larger than this is not dependency JSON. */
const MAX_COMPRESSED = 8 * 1024 * 1024;
/** cargo-auditable's own reader refuses more than 8 MiB of JSON; so do we. */
const MAX_JSON = 8 * 1024 * 1024;
const MAX_PACKAGES = 100_000;
const NAME = /^[A-Za-z0-9_-]{1,128}$/;
const VERSION = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/;

export type AuditableResult = { packages: PackageRecord[]; warnings: string[] };

/** Packages of cargo-auditable JSON text (already inflated). */
export function parseAuditableJson(text: string): AuditableResult {
  const warnings: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { packages: [], warnings: ['cargo-auditable data is not valid JSON'] };
  }
  const list = (doc as { packages?: unknown } | null)?.packages;
  if (!Array.isArray(list)) return { packages: [], warnings: ['cargo-auditable data has no "packages" list'] };
  const packages: PackageRecord[] = [];
  let skipped = 0;
  for (const entry of list.slice(0, MAX_PACKAGES)) {
    const p = entry as Record<string, unknown> | null;
    const name = p?.name;
    const version = p?.version;
    const source = p?.source;
    if (typeof name !== 'string' || typeof version !== 'string' || !NAME.test(name) || !VERSION.test(version)) {
      skipped++;
      continue;
    }
    if (p?.kind === 'build') continue;
    const properties: Record<string, string> = {};
    if (typeof source === 'string' && source.length <= 256) properties['cargo.source'] = source;
    if (p?.root === true) properties.main = 'true';
    packages.push({ type: 'cargo', name, version, properties });
  }
  if (skipped) warnings.push(`cargo-auditable data: ${skipped} packages without a valid name and version skipped`);
  if (list.length > MAX_PACKAGES) warnings.push(`cargo-auditable data: only the first ${MAX_PACKAGES} of ${list.length} packages read`);
  return { packages, warnings };
}

export const rustBinaryAnalyzer: Analyzer = {
  id: 'rust-binary',
  version: 1,
  description: 'Rust crates from the cargo-auditable dependency list embedded in executables',
  targets: ['image', 'rootfs', 'fs'],
  maxBytes: MAX_EXECUTABLE_BYTES,
  wants: isCandidateExecutable,
  analyze({ content }) {
    if (!executableFormat(content)) return null;
    // The section name must appear in the section name table; most executables stop here.
    if (content.indexOf(SECTION, 0, 'latin1') < 0) return null;
    const exe = parseExecutable(content);
    if (!exe) return null;
    const data = sectionData(exe, content, SECTION);
    if (!data) return null;
    if (data.length > MAX_COMPRESSED) return { warnings: [`${SECTION} section of ${data.length} bytes is too large, not read`] };
    let json: Buffer;
    try {
      json = inflateSync(data, { maxOutputLength: MAX_JSON });
    } catch (e) {
      const tooLarge = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      return { warnings: [tooLarge ? `${SECTION} inflates beyond ${MAX_JSON} bytes, not read` : `${SECTION} is not zlib data`] };
    }
    const r = parseAuditableJson(json.toString('utf8'));
    return r.warnings.length ? r : { packages: r.packages };
  },
};
