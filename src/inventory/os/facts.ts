import type { OSInfo } from '../../core/types.js';

/** What one OS analyzer reports; the file it came from is added by the pipeline. */
export type OsFacts = Omit<OSInfo, 'source'>;

/** Drops empty optional fields so results compare and serialise cleanly. */
export function compactOs(os: { family: string; version: string; name?: string; prettyName?: string; codename?: string }): OsFacts {
  const out: OsFacts = { family: os.family, version: os.version };
  if (os.name) out.name = os.name;
  if (os.prettyName) out.prettyName = os.prettyName;
  if (os.codename) out.codename = os.codename;
  return out;
}

/** First line of a small text file, without surrounding blanks; '' for binary or empty content. */
export function firstLine(content: Buffer, max = 256): string {
  const text = content.subarray(0, 4096).toString('utf8');
  if (text.includes('\0')) return '';
  const line = (text.split(/\r?\n/, 1)[0] ?? '').trim();
  return line.length > max ? '' : line;
}
