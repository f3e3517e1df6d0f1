/**
 * A read-only reader for the Berkeley DB hash files older rpm versions keep
 * their package headers in (`/var/lib/rpm/Packages`: CentOS 7, RHEL 7/8,
 * Amazon Linux 2, older SUSE).
 *
 * Rather than following hash buckets, it reads every hash page in the file
 * and takes each key/value pair found there, following overflow-page
 * chains for values stored off-page. Freed pages are marked invalid by
 * Berkeley DB, so what is read is what the database holds. Keys are rpm's
 * 4-byte header numbers; key 0 holds a counter, not a header.
 *
 * Layout (Berkeley DB's db_page.h): page 0 is the metadata page (magic
 * 0x061561 at offset 12 in the file's byte order, page size at 20, last
 * page number at 32); every page starts with a 26-byte header (next page at
 * 16, entry count at 20, hf_offset at 22, page type at 25), followed on
 * hash pages by the entry offsets and on overflow pages by the data.
 */

const HASH_MAGIC = 0x061561;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const PAGE_HEADER = 26;
/** Page checksums change the page layout; rpm never writes them (nor reads them: its bdb_ro refuses). */
const DBMETA_CHKSUM = 0x01;

export interface BdbValue {
  key?: number;
  value: Buffer;
}

export function isBdbHash(buf: Buffer): boolean {
  if (buf.length < 512) return false;
  return buf.readUInt32LE(12) === HASH_MAGIC || buf.readUInt32BE(12) === HASH_MAGIC;
}

export function readBdbHash(buf: Buffer, maxValues: number): { values: BdbValue[]; warnings: string[] } {
  const warnings: string[] = [];
  if (!isBdbHash(buf)) return { values: [], warnings: ['not a Berkeley DB hash database'] };
  const le = buf.readUInt32LE(12) === HASH_MAGIC;
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const u16 = (at: number) => (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));

  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    return { values: [], warnings: [`page size ${pageSize} is not a Berkeley DB page size`] };
  }
  if (buf[24] !== 0) return { values: [], warnings: ['the database is encrypted'] };
  if ((buf[26]! & DBMETA_CHKSUM) !== 0) return { values: [], warnings: ['the database has page checksums, which rpm databases do not use'] };
  const overhead = PAGE_HEADER;
  const pagesInFile = Math.floor(buf.length / pageSize);
  const lastPage = u32(32);
  const pages = Math.min(lastPage + 1, pagesInFile);
  if (lastPage + 1 > pagesInFile) warnings.push(`the file is truncated: ${pagesInFile} of ${lastPage + 1} pages present`);

  // An overflow page belongs to one value only. Refusing to walk a page twice
  // keeps the work linear in the file size, whatever the entries point at
  // (and stops loops).
  const walked = new Uint8Array(pages);

  /** Concatenates an overflow chain; undefined when the chain is broken. */
  const overflow = (first: number, total: number): Buffer | undefined => {
    const parts: Buffer[] = [];
    let got = 0;
    let pgno = first;
    while (got < total) {
      if (pgno === 0 || pgno >= pages || walked[pgno]) return undefined;
      walked[pgno] = 1;
      const page = pgno * pageSize;
      if (buf[page + 25] !== P_OVERFLOW) return undefined;
      const len = u16(page + 22);
      if (overhead + len > pageSize) return undefined;
      const take = Math.min(len, total - got);
      parts.push(buf.subarray(page + overhead, page + overhead + take));
      got += take;
      pgno = u32(page + 16);
    }
    return Buffer.concat(parts, total);
  };

  /** The item at index `i` of a hash page, as bytes; items fill the page from its end downward. */
  const item = (page: number, i: number): { type: number; start: number; end: number } | undefined => {
    const start = u16(page + overhead + i * 2);
    const end = i === 0 ? pageSize : u16(page + overhead + (i - 1) * 2);
    if (start < overhead || start >= end || end > pageSize) return undefined;
    return { type: buf[page + start]!, start: page + start, end: page + end };
  };

  const values: BdbValue[] = [];
  let broken = 0;
  for (let pgno = 1; pgno < pages && values.length < maxValues; pgno++) {
    const page = pgno * pageSize;
    const type = buf[page + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = u16(page + 20);
    if (overhead + entries * 2 > pageSize) {
      broken++;
      continue;
    }
    for (let i = 0; i + 1 < entries && values.length < maxValues; i += 2) {
      const k = item(page, i);
      const d = item(page, i + 1);
      if (!k || !d) {
        broken++;
        continue;
      }
      const key = k.type === H_KEYDATA && k.end - k.start === 5 ? (le ? buf.readUInt32LE(k.start + 1) : buf.readUInt32BE(k.start + 1)) : undefined;
      let value: Buffer | undefined;
      if (d.type === H_KEYDATA) value = buf.subarray(d.start + 1, d.end);
      else if (d.type === H_OFFPAGE && d.end - d.start >= 12) value = overflow(u32(d.start + 4), u32(d.start + 8));
      if (!value) {
        broken++;
        continue;
      }
      values.push(key === undefined ? { value } : { key, value });
    }
  }
  if (broken) warnings.push(`${broken} damaged entries skipped`);
  if (values.length >= maxValues) warnings.push(`only the first ${maxValues} entries were read`);
  return { values, warnings };
}
