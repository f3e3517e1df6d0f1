/**
 * Go modules compiled into an executable, from the build info the Go
 * toolchain embeds (ELF, Mach-O and PE; inline strings of Go ≥ 1.18 and the
 * pointer form of older toolchains).
 *
 * Reported, as Trivy does:
 * - the Go standard library as `stdlib`, version without the `go` prefix
 *   (`1.19.8`), since its vulnerabilities are those of the toolchain used;
 * - the main module (`properties.main = "true"`), version as stamped, often
 *   `(devel)`;
 * - every `dep` line. A replacement by another module (`=> path version`)
 *   is reported under the replacement's path and version, which is the code
 *   actually linked, with `go.replaces` naming the original; a replacement by
 *   a local directory keeps the original path with version `(devel)` and
 *   `go.replacement` naming the directory.
 *
 * Binaries built outside module mode (GOPATH builds, as some distributions
 * still do) carry only `path` and `build` lines: they yield `stdlib` alone,
 * with the package path in `go.path`. Versions of the main module guessed
 * from `-ldflags -X main.version=…` are not attempted, and universal
 * (fat) Mach-O files are not read: their magic is Java's class file magic,
 * and they are rare in container images.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { readBuildInfo } from './buildinfo.js';
import { MAX_EXECUTABLE_BYTES, isCandidateExecutable } from './executable.js';
import { parseModInfo } from './modinfo.js';
import type { ModuleRef } from './modinfo.js';

/** `build` settings kept on the main module (or on stdlib when there is none). */
const KEPT_SETTINGS = ['GOOS', 'GOARCH', 'vcs', 'vcs.revision', 'vcs.time', 'vcs.modified'];

export function isLocalPath(path: string): boolean {
  return path.startsWith('./') || path.startsWith('../') || path.startsWith('/') || path === '.' || path === '..' || /^[A-Za-z]:[\\/]/.test(path);
}

/** `go1.22.3 X:boringcrypto` → `1.22.3`; null for development toolchains. */
export function stdlibVersion(goVersion: string): string | null {
  const m = /^go(\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?)(?:[\s-]|$)/.exec(goVersion);
  return m ? m[1]! : null;
}

export function dependencyRecord(dep: ModuleRef): PackageRecord {
  const r = dep.replace;
  if (!r) return { type: 'golang', name: dep.path, version: dep.version };
  if (isLocalPath(r.path)) {
    return { type: 'golang', name: dep.path, version: '(devel)', properties: { 'go.replacement': r.path } };
  }
  return { type: 'golang', name: r.path, version: r.version, properties: { 'go.replaces': `${dep.path}@${dep.version}` } };
}

export const goBinaryAnalyzer: Analyzer = {
  id: 'go-binary',
  version: 1,
  description: 'Go modules and the Go standard library from the build info embedded in Go executables',
  targets: ['image', 'rootfs', 'fs'],
  maxBytes: MAX_EXECUTABLE_BYTES,
  wants: isCandidateExecutable,
  analyze({ content }) {
    const found = readBuildInfo(content);
    if (!found) return null;
    if (!found.ok) return { warnings: [found.reason] };
    const { goVersion, modinfo } = found.info;
    const info = parseModInfo(modinfo);
    const warnings = info.bad.length ? [`Go build info: unreadable module lines ${info.bad.join(', ')}`] : [];

    const facts: Record<string, string> = { 'go.version': goVersion };
    if (info.path) facts['go.path'] = info.path;
    for (const key of KEPT_SETTINGS) {
      const v = info.settings.get(key);
      if (v !== undefined) facts[`go.${key}`] = v;
    }

    const packages: PackageRecord[] = [];
    const std = stdlibVersion(goVersion);
    if (std) {
      const stdlib: PackageRecord = { type: 'golang', name: 'stdlib', version: std };
      if (!info.main) stdlib.properties = facts;
      packages.push(stdlib);
    }
    if (info.main) {
      packages.push({ type: 'golang', name: info.main.path, version: info.main.version, properties: { main: 'true', ...facts } });
    }
    const seen = new Set<string>();
    for (const dep of info.deps) {
      const record = dependencyRecord(dep);
      const key = `${record.name}@${record.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      packages.push(record);
    }
    return warnings.length ? { packages, warnings } : { packages };
  },
};
