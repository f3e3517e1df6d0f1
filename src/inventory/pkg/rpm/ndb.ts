/**
 * A read-only reader for rpm's own "ndb" package database (`Packages.db`,
 * SUSE since 15 SP3 / Tumbleweed), following the layout of rpm's
 * lib/backend/ndb/rpmpkg.c. Everything is little-endian:
 *
 * - a 32-byte header: magic `RpmP`, version 0, generation, number of slot pages;
 * - slot pages of 4096 bytes holding 16-byte slots (magic `Slot`, package
 *   index, block offset, block count), the first two slots taken by the header;
 * - blobs in 16-byte blocks: a 16-byte head (magic `BlbS`, package index,
 *   timestamp, length), the header blob, and a 12-byte tail (adler32,
 *   length, magic `BlbE`).
 */

const le32 = (s: string) => s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24);
const DB_MAGIC = le32('RpmP') >>> 0;
const SLOT_MAGIC = le32('Slot') >>> 0;
const HEAD_MAGIC = le32('BlbS') >>> 0;
const TAIL_MAGIC = le32('BlbE') >>> 0;
const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const HEAD_SIZE = 16;
const TAIL_SIZE = 12;
const HEADER_SLOTS = 2;

export function isNdb(buf: Buffer): boolean {
  return buf.length >= 32 && buf.readUInt32LE(0) === DB_MAGIC;
}

export function readNdb(buf: Buffer, maxValues: number): { values: Array<{ key: number; value: Buffer }>; warnings: string[] } {
  if (!isNdb(buf)) return { values: [], warnings: ['not an rpm ndb database'] };
  const version = buf.readUInt32LE(4);
  if (version !== 0) return { values: [], warnings: [`ndb version ${version} is not supported`] };
  const slotPages = buf.readUInt32LE(12);
  if (slotPages === 0 || slotPages * PAGE_SIZE > buf.length) {
    return { values: [], warnings: [`the header claims ${slotPages} slot pages, the file holds ${Math.floor(buf.length / PAGE_SIZE)}`] };
  }
  const warnings: string[] = [];
  const values: Array<{ key: number; value: Buffer }> = [];
  const firstDataBlock = (slotPages * PAGE_SIZE) / BLK_SIZE;
  let broken = 0;
  const used: Array<{ pkgIndex: number; blkOffset: number; blkCount: number }> = [];
  const slots = (slotPages * PAGE_SIZE) / SLOT_SIZE;
  for (let slot = HEADER_SLOTS; slot < slots; slot++) {
    const at = slot * SLOT_SIZE;
    if (buf.readUInt32LE(at) !== SLOT_MAGIC) {
      broken++;
      continue;
    }
    const blkOffset = buf.readUInt32LE(at + 8);
    if (blkOffset === 0) continue; // a free slot
    if (used.length >= maxValues) {
      warnings.push(`only the first ${maxValues} entries were read`);
      break;
    }
    used.push({ pkgIndex: buf.readUInt32LE(at + 4), blkOffset, blkCount: buf.readUInt32LE(at + 12) });
  }
  // Blobs never overlap in a sound database (rpm refuses one where they do);
  // skipping overlaps keeps the work linear in the file size.
  used.sort((a, b) => a.blkOffset - b.blkOffset);
  let nextFree = 0;
  for (const { pkgIndex, blkOffset, blkCount } of used) {
    const start = blkOffset * BLK_SIZE;
    const end = start + blkCount * BLK_SIZE;
    if (pkgIndex === 0 || blkOffset < firstDataBlock || start < nextFree || blkCount * BLK_SIZE < HEAD_SIZE + TAIL_SIZE || end > buf.length) {
      broken++;
      continue;
    }
    const length = buf.readUInt32LE(start + 12);
    const fits = Math.ceil((HEAD_SIZE + length + TAIL_SIZE) / BLK_SIZE) === blkCount;
    if (buf.readUInt32LE(start) !== HEAD_MAGIC || buf.readUInt32LE(start + 4) !== pkgIndex || !fits) {
      broken++;
      continue;
    }
    const tail = end - TAIL_SIZE;
    if (buf.readUInt32LE(tail + 4) !== length || buf.readUInt32LE(tail + 8) !== TAIL_MAGIC) {
      broken++;
      continue;
    }
    nextFree = end;
    values.push({ key: pkgIndex, value: buf.subarray(start + HEAD_SIZE, start + HEAD_SIZE + length) });
  }
  if (broken) warnings.push(`${broken} damaged slots or blobs skipped`);
  return { values, warnings };
}
