/**
 * Writes minimal but well-formed ELF files for tests: a header, one PT_LOAD
 * program header per loaded section, the sections' bytes, a section name
 * table and the section header table. Enough for readelf to list them and
 * for our parsers to be tested on layouts no compiler here produces
 * (32-bit big-endian, pre-1.18 Go build info).
 */

export interface ElfSectionSpec {
  name: string;
  /** Load address; 0 for sections that are not loaded. */
  addr: number;
  data: Buffer;
  writable?: boolean;
}

export interface ElfSpec {
  bits: 32 | 64;
  littleEndian: boolean;
  sections: ElfSectionSpec[];
}

const SHT_PROGBITS = 1;
const SHT_STRTAB = 3;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const PT_LOAD = 1;

export function buildElf(spec: ElfSpec): Buffer {
  const is64 = spec.bits === 64;
  const le = spec.littleEndian;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const loaded = spec.sections.filter((s) => s.addr !== 0);

  const names = [''];
  const nameOffsets: number[] = [];
  let strtabSize = 1;
  for (const s of [...spec.sections.map((x) => x.name), '.shstrtab']) {
    nameOffsets.push(strtabSize);
    names.push(s);
    strtabSize += Buffer.byteLength(s) + 1;
  }
  const shstrtab = Buffer.from(names.join('\0') + '\0', 'latin1');

  let at = ehsize + loaded.length * phentsize;
  const offsets: number[] = [];
  for (const s of spec.sections) {
    at = align(at, 16);
    offsets.push(at);
    at += s.data.length;
  }
  const shstrOffset = at;
  at = align(at + shstrtab.length, 8);
  const shoff = at;
  const shnum = spec.sections.length + 2;
  const out = Buffer.alloc(shoff + shnum * shentsize);

  const u16 = (o: number, v: number) => (le ? out.writeUInt16LE(v, o) : out.writeUInt16BE(v, o));
  const u32 = (o: number, v: number) => (le ? out.writeUInt32LE(v, o) : out.writeUInt32BE(v, o));
  const word = (o: number, v: number) => {
    if (is64 && le) out.writeBigUInt64LE(BigInt(v), o);
    else if (is64) out.writeBigUInt64BE(BigInt(v), o);
    else u32(o, v);
  };

  out.write('\x7fELF', 0, 'latin1');
  out[4] = is64 ? 2 : 1;
  out[5] = le ? 1 : 2;
  out[6] = 1;
  u16(16, 2); // ET_EXEC
  u16(18, is64 ? 62 : 20); // x86-64 or PowerPC
  u32(20, 1);
  word(is64 ? 24 : 24, 0);
  word(is64 ? 0x20 : 0x1c, loaded.length ? ehsize : 0);
  word(is64 ? 0x28 : 0x20, shoff);
  u16(is64 ? 0x34 : 0x28, ehsize);
  u16(is64 ? 0x36 : 0x2a, phentsize);
  u16(is64 ? 0x38 : 0x2c, loaded.length);
  u16(is64 ? 0x3a : 0x2e, shentsize);
  u16(is64 ? 0x3c : 0x30, shnum);
  u16(is64 ? 0x3e : 0x32, shnum - 1);

  let ph = ehsize;
  spec.sections.forEach((s, i) => {
    s.data.copy(out, offsets[i]!);
    if (s.addr === 0) return;
    const flags = 4 | (s.writable ? 2 : 0);
    u32(ph, PT_LOAD);
    if (is64) {
      u32(ph + 4, flags);
      word(ph + 8, offsets[i]!);
      word(ph + 16, s.addr);
      word(ph + 24, s.addr);
      word(ph + 32, s.data.length);
      word(ph + 40, s.data.length);
      word(ph + 48, 16);
    } else {
      u32(ph + 4, offsets[i]!);
      u32(ph + 8, s.addr);
      u32(ph + 12, s.addr);
      u32(ph + 16, s.data.length);
      u32(ph + 20, s.data.length);
      u32(ph + 24, flags);
      u32(ph + 28, 16);
    }
    ph += phentsize;
  });
  shstrtab.copy(out, shstrOffset);

  const header = (index: number, nameOff: number, type: number, flags: number, addr: number, offset: number, size: number) => {
    const h = shoff + index * shentsize;
    u32(h, nameOff);
    u32(h + 4, type);
    if (is64) {
      word(h + 8, flags);
      word(h + 16, addr);
      word(h + 24, offset);
      word(h + 32, size);
      word(h + 48, 16);
    } else {
      u32(h + 8, flags);
      u32(h + 12, addr);
      u32(h + 16, offset);
      u32(h + 20, size);
      u32(h + 32, 16);
    }
  };
  spec.sections.forEach((s, i) => {
    const flags = (s.addr ? SHF_ALLOC : 0) | (s.writable ? SHF_WRITE : 0);
    header(i + 1, nameOffsets[i]!, SHT_PROGBITS, flags, s.addr, offsets[i]!, s.data.length);
  });
  header(shnum - 1, nameOffsets[spec.sections.length]!, SHT_STRTAB, 0, 0, shstrOffset, shstrtab.length);
  return out;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
