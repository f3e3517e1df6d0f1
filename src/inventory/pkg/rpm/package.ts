/**
 * From an rpm header to a package and the files it installed. The version
 * is `[epoch:]version-release` (epoch only when non-zero), the form rpm's
 * comparator takes. The source package comes from SOURCERPM
 * (`name-version-release.src.rpm`); the source rpm file name carries no
 * epoch, so the binary's epoch is given to the source version too, as
 * rpm-based advisories expect.
 */
import type { Ownership, PackageRecord } from '../../analyzer.js';
import { RpmHeader, RPMTAG } from './header.js';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
/** Files per package past this are not kept (the largest real packages list some 100k). */
const MAX_FILES = 1_000_000;

export function parseSourceRpm(value: string | undefined): { name: string; version: string; release: string } | undefined {
  if (!value) return undefined;
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(value);
  return m ? { name: m[1]!, version: m[2]!, release: m[3]! } : undefined;
}

function fileList(h: RpmHeader): string[] {
  let files: string[] = [];
  const basenames = h.strings(RPMTAG.BASENAMES);
  if (basenames) {
    const dirnames = h.strings(RPMTAG.DIRNAMES) ?? [];
    const dirindexes = h.ints(RPMTAG.DIRINDEXES) ?? [];
    if (dirindexes.length !== basenames.length) return [];
    for (let i = 0; i < basenames.length && files.length < MAX_FILES; i++) {
      const dir = dirnames[dirindexes[i]!];
      if (dir !== undefined) files.push(dir + basenames[i]);
    }
  } else {
    files = (h.strings(RPMTAG.OLDFILENAMES) ?? []).slice(0, MAX_FILES);
  }
  const modes = h.ints(RPMTAG.FILEMODES);
  if (modes && modes.length === files.length) files = files.filter((_, i) => (modes[i]! & S_IFMT) !== S_IFDIR);
  return files.filter((f) => f.startsWith('/'));
}

export type RpmEntry = { record: PackageRecord; ownership?: Ownership } | { skipped: string };

export function packageFromHeader(blob: Buffer): RpmEntry {
  let h: RpmHeader;
  try {
    h = RpmHeader.parse(blob);
  } catch (e) {
    return { skipped: (e as Error).message };
  }
  const name = h.string(RPMTAG.NAME);
  const version = h.string(RPMTAG.VERSION);
  if (!name || !version) return { skipped: 'header without NAME or VERSION' };
  if (name === 'gpg-pubkey') return { skipped: 'gpg-pubkey' };
  const release = h.string(RPMTAG.RELEASE);
  const epoch = h.int(RPMTAG.EPOCH);
  const evr = `${epoch ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;

  const record: PackageRecord = { type: 'rpm', name, version: evr };
  if (epoch) record.epoch = epoch;
  if (release) record.release = release;
  const arch = h.string(RPMTAG.ARCH);
  if (arch) record.arch = arch;
  const source = parseSourceRpm(h.string(RPMTAG.SOURCERPM));
  if (source) {
    record.sourceName = source.name;
    record.sourceVersion = `${epoch ? `${epoch}:` : ''}${source.version}-${source.release}`;
  }
  const license = h.string(RPMTAG.LICENSE)?.trim();
  if (license && license !== '(none)') record.licenses = [license];
  const properties: Record<string, string> = {};
  const vendor = h.string(RPMTAG.VENDOR);
  if (vendor) properties['rpm.vendor'] = vendor;
  const modularity = h.string(RPMTAG.MODULARITYLABEL);
  if (modularity) properties['rpm.modularitylabel'] = modularity;
  if (Object.keys(properties).length) record.properties = properties;

  const files = fileList(h);
  if (!files.length) return { record };
  return { record, ownership: arch ? { type: 'rpm', name, arch, files } : { type: 'rpm', name, files } };
}
