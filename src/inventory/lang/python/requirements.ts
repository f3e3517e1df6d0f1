/**
 * pip requirements files (`requirements*.txt`): only pinned lines
 * (`name==1.2.3`, with extras, environment markers and per-line options such
 * as `--hash`) name one version. Ranges, `===`, wildcards, URLs, editable
 * installs and options are passed over, and `-r`/`-c` includes are not
 * followed (the other file is analysed on its own when it matches).
 *
 * pip-compile writes where each pin comes from (`# via -r requirements.in`,
 * `# via requests`); when those notes are there they tell direct
 * dependencies from indirect ones.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';
import { pythonLockPackages } from './lock-packages.js';
import { isDistributionName } from './name.js';

const MAX_LINES = 1_000_000;
const MAX_LOGICAL_LENGTH = 64 * 1024;

/**
 * `name[extras] == version`, nothing else. Neighbouring parts use disjoint
 * character classes, so a line that does not match fails in linear time.
 */
const PIN = /^([A-Za-z0-9][A-Za-z0-9._-]*)[ \t]*(?:\[([^\]]*)\][ \t]*)?==[ \t]*([^\s=,;<>!~*$#]+)[ \t]*$/;

/** Text of a requirements file; pip freeze in PowerShell writes UTF-16. */
export function decodeRequirements(content: Buffer): string {
  if (content[0] === 0xff && content[1] === 0xfe) return content.subarray(2).toString('utf16le');
  if (content[0] === 0xfe && content[1] === 0xff) {
    const swapped = Buffer.from(content.subarray(2, 2 + ((content.length - 2) & ~1)));
    return swapped.swap16().toString('utf16le');
  }
  const text = content.toString('utf8');
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

interface Requirement {
  pkg: PackageRecord;
  sources: string[];
}

function parseRequirementLine(line: string): PackageRecord | undefined {
  const semi = line.indexOf(';');
  let spec = semi >= 0 ? line.slice(0, semi) : line;
  let markers = semi >= 0 ? line.slice(semi + 1) : '';
  // Per-requirement options (`--hash=…`, `--config-settings …`) follow the requirement and its markers.
  const option = /\s--?[A-Za-z]/.exec(spec);
  if (option) {
    spec = spec.slice(0, option.index);
    markers = '';
  } else {
    const markerOption = /\s--[A-Za-z]/.exec(markers);
    if (markerOption) markers = markers.slice(0, markerOption.index);
  }
  const m = PIN.exec(spec.trim());
  if (!m || !isDistributionName(m[1]!)) return undefined;
  const pkg: PackageRecord = { type: 'pypi', name: m[1]!, version: m[3]! };
  const properties: Record<string, string> = {};
  const extras = (m[2] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (extras.length) properties['python.extras'] = extras.join(',');
  if (markers.trim()) properties['python.markers'] = markers.trim();
  if (Object.keys(properties).length) pkg.properties = properties;
  return pkg;
}

/** A `# via` source that means the project asked for the package itself. */
function isDirectSource(source: string): boolean {
  return /^-r\s/.test(source) || /^--requirement[\s=]/.test(source) || /\((pyproject\.toml|setup\.py|setup\.cfg)\)$/.test(source);
}

export function parseRequirements(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const warnings: string[] = [];
  const found: Requirement[] = [];
  let annotated = false;
  let logical = '';
  let dropping = false;
  let last: Requirement | undefined;
  let viaBlock = false;
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    if (++lineNo > MAX_LINES) {
      warnings.push(`more than ${MAX_LINES} lines; the rest is not read`);
      break;
    }
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;

    const hash = /(^|\s)#/.exec(raw);
    const code = hash ? raw.slice(0, hash.index) : raw;
    const comment = hash ? raw.slice(hash.index).trim() : '';

    if (!hash && code.trimEnd().endsWith('\\')) {
      if (!dropping) logical += `${code.trimEnd().slice(0, -1)} `;
      if (logical.length > MAX_LOGICAL_LENGTH) {
        warnings.push(`line ${lineNo}: a continued line longer than ${MAX_LOGICAL_LENGTH} characters; skipped`);
        logical = '';
        dropping = true;
      }
      continue;
    }
    let line = dropping ? '' : (logical + code).trim();
    if (line.length > MAX_LOGICAL_LENGTH) {
      warnings.push(`line ${lineNo}: longer than ${MAX_LOGICAL_LENGTH} characters; skipped`);
      line = '';
    }
    logical = '';
    dropping = false;
    if (line) {
      viaBlock = false;
      last = undefined;
      if (!line.startsWith('-')) {
        const pkg = parseRequirementLine(line);
        if (pkg) {
          last = { pkg, sources: [] };
          found.push(last);
        }
      }
    }
    if (!comment) {
      if (!line) viaBlock = false;
      continue;
    }
    const via = /^#\s*via(?:\s+(.*))?$/.exec(comment);
    if (via && last) {
      annotated = true;
      if (via[1]) last.sources.push(...via[1].split(',').map((s) => s.trim()).filter(Boolean));
      viaBlock = !via[1];
    } else if (viaBlock && last && !line) {
      const source = /^#\s+(.+)$/.exec(comment)?.[1]?.trim();
      if (source) last.sources.push(source);
      else viaBlock = false;
    } else {
      viaBlock = false;
    }
  }
  const out = pythonLockPackages();
  for (const r of found) {
    if (annotated && r.sources.length) r.pkg.indirect = !r.sources.some(isDirectSource);
    out.add(r.pkg);
  }
  return { packages: out.list(), warnings };
}

/** `requirements.txt`, `requirements-dev.txt`, `requirements_test.txt`, … */
export function isRequirementsFile(path: string): boolean {
  const name = basename(path);
  return name.startsWith('requirements') && name.endsWith('.txt');
}

export const pipRequirementsAnalyzer: Analyzer = {
  id: 'pip-requirements',
  version: 1,
  description: 'Pinned (==) lines of pip requirements*.txt files; includes are not followed',
  targets: ['fs'],
  maxBytes: 16 * 1024 * 1024,
  wants: (path) => isRequirementsFile(path),
  analyze({ content }) {
    const { packages, warnings } = parseRequirements(decodeRequirements(content));
    if (!packages.length && !warnings.length) return null;
    return { packages, ...(warnings.length ? { warnings } : {}) };
  },
};
