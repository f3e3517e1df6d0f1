/**
 * Installed Alpine packages from `/lib/apk/db/installed`: one block of
 * `X:value` lines per package, blocks separated by blank lines. `F:` names a
 * directory (relative to `/`) and the `R:` lines after it the files in it,
 * which become the package's `ownership`. `D:` (depends) and `p:` (provides)
 * are kept as names without version constraints in the `apk.depends` and
 * `apk.provides` properties; conflicts (`!name`) are dropped.
 */
import type { Analyzer, Ownership, PackageRecord } from '../analyzer.js';
import { WarningList } from './warnings.js';

export const APK_INSTALLED = '/lib/apk/db/installed';

const NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]*$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9+._~-]*$/;
/** Files recorded across the whole database past this are not kept. */
const MAX_FILES = 1_000_000;

/** `so:libc.musl-x86_64.so.1=1`, `busybox>=1.26`, `!conflict` → names, constraints and conflicts gone. */
export function apkNames(value: string | undefined): string[] {
  if (!value) return [];
  const names = new Set<string>();
  for (const token of value.split(/\s+/)) {
    if (!token || token.startsWith('!')) continue;
    const name = token.split(/[<>=~]/, 1)[0]!;
    if (name) names.add(name);
  }
  return [...names];
}

interface Block {
  line: number;
  fields: Map<string, string>;
  files: string[];
}

export function parseApkInstalled(text: string): { packages: PackageRecord[]; ownership: Ownership[]; warnings: string[] } {
  const warnings = new WarningList();
  const packages: PackageRecord[] = [];
  const ownership: Ownership[] = [];
  let fileCount = 0;
  let block: Block | undefined;
  /** Directory of the `R:` lines that follow; null after an `F:` that is not a clean relative path. */
  let dir: string | null = '';

  const finish = () => {
    if (!block) return;
    const b = block;
    block = undefined;
    const name = b.fields.get('P');
    const version = b.fields.get('V');
    if (!name || !NAME.test(name)) {
      warnings.add(`line ${b.line}: package without a valid P: name, skipped`);
      return;
    }
    if (!version || !VERSION.test(version) || version.length > 128) {
      warnings.add(`line ${b.line}: ${name} has no valid V: version, skipped`);
      return;
    }
    const record: PackageRecord = { type: 'apk', name, version };
    const arch = b.fields.get('A');
    if (arch) record.arch = arch;
    const origin = b.fields.get('o');
    record.sourceName = origin && NAME.test(origin) ? origin : name;
    record.sourceVersion = version;
    const license = b.fields.get('L')?.trim();
    if (license) record.licenses = [license];
    const properties: Record<string, string> = {};
    const depends = apkNames(b.fields.get('D'));
    if (depends.length) properties['apk.depends'] = depends.join(' ');
    const provides = apkNames(b.fields.get('p'));
    if (provides.length) properties['apk.provides'] = provides.join(' ');
    if (Object.keys(properties).length) record.properties = properties;
    packages.push(record);
    if (b.files.length) ownership.push(arch ? { type: 'apk', name, arch, files: b.files } : { type: 'apk', name, files: b.files });
  };

  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, text[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
    lineNo++;
    if (line.trim() === '') {
      finish();
      dir = '';
      continue;
    }
    if (line.length < 2 || line[1] !== ':') {
      warnings.add(`line ${lineNo}: not an "X:value" line, skipped`);
      continue;
    }
    block ??= { line: lineNo, fields: new Map(), files: [] };
    const key = line[0]!;
    const value = line.slice(2);
    if (key === 'F') {
      dir = value.replace(/^\/+|\/+$/g, '');
      if (dir !== '' && dir.split('/').some((s) => s === '.' || s === '..' || s === '')) {
        warnings.add(`line ${lineNo}: directory ${JSON.stringify(value.slice(0, 64))} is not a clean path, its files are skipped`);
        dir = null;
      }
    } else if (key === 'R') {
      if (dir === null) continue;
      if (!value || value.includes('/') || value === '.' || value === '..') {
        warnings.add(`line ${lineNo}: file name ${JSON.stringify(value.slice(0, 64))} is not a plain name, skipped`);
      } else if (fileCount < MAX_FILES) {
        block.files.push(dir ? `/${dir}/${value}` : `/${value}`);
        if (++fileCount === MAX_FILES) warnings.add(`more than ${MAX_FILES} files listed, the rest are not kept`);
      }
    } else if (!block.fields.has(key)) {
      block.fields.set(key, value);
    }
  }
  finish();
  return { packages, ownership, warnings: warnings.list() };
}

export const apkAnalyzer: Analyzer = {
  id: 'apk',
  version: 1,
  description: 'Installed Alpine packages and their files from /lib/apk/db/installed',
  targets: ['image', 'rootfs'],
  wants: (path) => path === APK_INSTALLED,
  analyze({ content }) {
    const { packages, ownership, warnings } = parseApkInstalled(content.toString('utf8'));
    const result = { packages, ownership };
    return warnings.length ? { ...result, warnings } : result;
  },
};
