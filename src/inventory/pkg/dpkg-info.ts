/**
 * The files each Debian package installed, from `/var/lib/dpkg/info/<pkg>[:<arch>].list`.
 * dpkg lists directories too; an entry that is the parent of another entry
 * of the same list is taken for a directory and left out, so that `/usr` is
 * not "owned" by every package. Directories a package ships empty stay.
 */
import type { Analyzer, Ownership } from '../analyzer.js';
import { basename } from '../analyzer.js';

const INFO = '/var/lib/dpkg/info/';
const NAME = /^[A-Za-z0-9][A-Za-z0-9+.-]*$/;
const ARCH = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** Entries past this are ignored: the largest real lists have some tens of thousands. */
const MAX_ENTRIES = 500_000;

export function parseDpkgList(path: string, text: string): { ownership?: Ownership; warnings: string[] } {
  const file = basename(path).slice(0, -'.list'.length);
  const colon = file.indexOf(':');
  const name = colon < 0 ? file : file.slice(0, colon);
  const arch = colon < 0 ? undefined : file.slice(colon + 1);
  if (!NAME.test(name) || (arch !== undefined && !ARCH.test(arch))) {
    return { warnings: [`${basename(path)} does not name a package`] };
  }
  const warnings: string[] = [];
  const entries: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, text[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
    if (line.length > 1 && line[0] === '/' && line !== '/.') entries.push(line.replace(/\/+$/, ''));
    if (entries.length >= MAX_ENTRIES) {
      warnings.push(`only the first ${MAX_ENTRIES} entries were read`);
      break;
    }
  }
  const parents = new Set<string>();
  for (const e of entries) {
    for (let i = e.lastIndexOf('/'); i > 0; i = e.lastIndexOf('/', i - 1)) {
      const parent = e.slice(0, i);
      if (parents.has(parent)) break;
      parents.add(parent);
    }
  }
  const files = [...new Set(entries.filter((e) => e && !parents.has(e)))];
  const ownership: Ownership = arch ? { type: 'deb', name, arch, files } : { type: 'deb', name, files };
  return { ownership, warnings };
}

export const dpkgInfoAnalyzer: Analyzer = {
  id: 'dpkg-info',
  version: 1,
  description: 'Files installed by each Debian package, from /var/lib/dpkg/info/*.list',
  targets: ['image', 'rootfs'],
  maxBytes: 32 * 1024 * 1024,
  wants: (path) => path.startsWith(INFO) && path.endsWith('.list') && path.indexOf('/', INFO.length) < 0,
  analyze({ path, content }) {
    const { ownership, warnings } = parseDpkgList(path, content.toString('utf8'));
    if (!ownership) return { warnings };
    return warnings.length ? { ownership: [ownership], warnings } : { ownership: [ownership] };
  },
};
