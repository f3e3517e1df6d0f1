/**
 * Just enough of the ELF, Mach-O and PE formats to find named sections and to
 * map virtual addresses back to file offsets, for the analyzers that read
 * metadata compilers embed in executables (Go build info, cargo-auditable).
 *
 * Every offset, size and count comes from a hostile file: each is checked
 * against the buffer before use and tables are capped, so a malformed header
 * yields null or fewer sections, never an exception or a long loop.
 */
import type { FileInfo } from '../../analyzer.js';

export type ExecutableFormat = 'elf' | 'macho' | 'pe';

export interface Section {
  name: string;
  /** Segment name (Mach-O only). */
  segment?: string;
  /** Virtual address the section is loaded at (0 when not loaded). */
  addr: number;
  /** File offset of the section's bytes. */
  offset: number;
  /** Bytes present in the file (0 for bss-like sections). */
  size: number;
  /** Writable when loaded. */
  writable: boolean;
}

/** A part of the file mapped into memory: [vaddr, vaddr + size) ← [offset, offset + size). */
interface Mapping {
  vaddr: number;
  offset: number;
  size: number;
}

export interface Executable {
  format: ExecutableFormat;
  /** Pointer size in bytes. */
  pointerSize: 4 | 8;
  littleEndian: boolean;
  sections: Section[];
  /** Address of the first writable data (the `.data` area), where Go looks for its build info. */
  dataStart?: number;
  /** The bytes loaded at `vaddr`, or null when the file does not hold them all. */
  read(vaddr: number, length: number): Buffer | null;
  /** File offset of the byte loaded at `vaddr`, or null when none is. */
  fileOffset(vaddr: number): number | null;
}

/** Tables larger than this are malformed or hostile; real binaries have far fewer entries. */
const MAX_TABLE_ENTRIES = 4096;
/** Mach-O load commands are read from at most this many bytes. */
const MAX_LOAD_COMMAND_BYTES = 16 * 1024 * 1024;

/** Executables the Go and Rust analyzers look at: up to ~200 MB (large Go binaries exceed 100 MB). */
export const MAX_EXECUTABLE_BYTES = 200 * 1024 * 1024;

const NON_BINARY_PREFIXES = [
  '/usr/share/',
  '/usr/include/',
  '/etc/',
  '/proc/',
  '/sys/',
  '/dev/',
  '/var/lib/dpkg/',
  '/var/lib/rpm/',
  '/var/lib/apk/',
  '/lib/apk/',
];

/** Extensions of files that are executable by mode but never native binaries (scripts, data). */
const NON_BINARY_EXTENSIONS = new Set([
  'sh', 'bash', 'zsh', 'csh', 'ksh', 'fish', 'py', 'pyc', 'pl', 'pm', 'rb', 'php', 'js', 'mjs', 'cjs', 'ts', 'lua', 'tcl',
  'awk', 'sed', 'txt', 'md', 'rst', 'html', 'htm', 'css', 'json', 'yaml', 'yml', 'toml', 'xml', 'ini', 'cfg', 'conf',
  'h', 'c', 'cc', 'cpp', 'go', 'rs', 'java', 'class', 'jar', 'war', 'png', 'jpg', 'jpeg', 'gif', 'svg', 'ico', 'gz',
  'bz2', 'xz', 'zst', 'zip', 'tar', 'tgz', 'a', 'o', 'la', 'pem', 'crt', 'key', 'service', 'desktop', 'mo', 'po',
]);

/**
 * Cheap pre-filter for native executables: an execute bit, a plausible size,
 * not under a data directory and not a script by its extension. The magic
 * bytes are checked in `analyze`.
 */
export function isCandidateExecutable(path: string, info: FileInfo): boolean {
  if ((info.mode & 0o111) === 0) return false;
  if (info.size < 64 || info.size > MAX_EXECUTABLE_BYTES) return false;
  for (const prefix of NON_BINARY_PREFIXES) if (path.startsWith(prefix)) return false;
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot > slash + 1) {
    const ext = path.slice(dot + 1).toLowerCase();
    if (NON_BINARY_EXTENSIONS.has(ext)) return false;
  }
  return true;
}

/** The format named by the first bytes, without parsing anything else. */
export function executableFormat(buf: Buffer): ExecutableFormat | null {
  if (buf.length < 64) return null;
  if (buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46) return 'elf';
  const le = buf.readUInt32LE(0);
  const be = buf.readUInt32BE(0);
  if (le === 0xfeedface || le === 0xfeedfacf || be === 0xfeedface || be === 0xfeedfacf) return 'macho';
  if (buf[0] === 0x4d && buf[1] === 0x5a) return 'pe';
  return null;
}

export function parseExecutable(buf: Buffer): Executable | null {
  switch (executableFormat(buf)) {
    case 'elf':
      return parseElf(buf);
    case 'macho':
      return parseMachO(buf);
    case 'pe':
      return parsePe(buf);
    default:
      return null;
  }
}

/** The bytes of the first section named `name` (and, for Mach-O, in `segment` when given). */
export function sectionData(exe: Executable, buf: Buffer, name: string, segment?: string): Buffer | null {
  const s = exe.sections.find((x) => x.name === name && (segment === undefined || x.segment === segment));
  if (!s || s.size === 0) return null;
  return slice(buf, s.offset, s.size);
}

function slice(buf: Buffer, offset: number, size: number): Buffer | null {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0) return null;
  if (offset > buf.length || size > buf.length - offset) return null;
  return buf.subarray(offset, offset + size);
}

function addressSpace(mappings: Mapping[], buf: Buffer): Pick<Executable, 'read' | 'fileOffset'> {
  const find = (vaddr: number): { m: Mapping; within: number } | null => {
    if (!Number.isSafeInteger(vaddr)) return null;
    for (const m of mappings) {
      if (vaddr >= m.vaddr && vaddr - m.vaddr < m.size) return { m, within: vaddr - m.vaddr };
    }
    return null;
  };
  return {
    read(vaddr, length) {
      const hit = find(vaddr);
      if (!hit || length < 0 || length > hit.m.size - hit.within) return null;
      return slice(buf, hit.m.offset + hit.within, length);
    },
    fileOffset(vaddr) {
      const hit = find(vaddr);
      const offset = hit ? hit.m.offset + hit.within : -1;
      return offset >= 0 && offset < buf.length ? offset : null;
    },
  };
}

/** Bounds-checked integer reads in one byte order; 64-bit values beyond 2^53 read as NaN. */
class Fields {
  constructor(
    private readonly buf: Buffer,
    readonly littleEndian: boolean,
  ) {}

  ok(offset: number, size: number): boolean {
    return Number.isSafeInteger(offset) && offset >= 0 && offset + size <= this.buf.length;
  }

  u16(o: number): number {
    if (!this.ok(o, 2)) return NaN;
    return this.littleEndian ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o);
  }

  u32(o: number): number {
    if (!this.ok(o, 4)) return NaN;
    return this.littleEndian ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o);
  }

  u64(o: number): number {
    if (!this.ok(o, 8)) return NaN;
    const v = this.littleEndian ? this.buf.readBigUInt64LE(o) : this.buf.readBigUInt64BE(o);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? NaN : Number(v);
  }

  word(o: number, size: 4 | 8): number {
    return size === 8 ? this.u64(o) : this.u32(o);
  }

  cstring(o: number, max: number): string {
    if (!this.ok(o, 0)) return '';
    const end = Math.min(this.buf.length, o + max);
    let i = o;
    while (i < end && this.buf[i] !== 0) i++;
    return this.buf.toString('latin1', o, i);
  }
}

const PT_LOAD = 1;
const PF_W = 2;
const SHT_NOBITS = 8;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;

function parseElf(buf: Buffer): Executable | null {
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return null;
  const is64 = cls === 2;
  const ptr: 4 | 8 = is64 ? 8 : 4;
  const f = new Fields(buf, data === 1);
  const phoff = f.word(is64 ? 0x20 : 0x1c, ptr);
  const shoff = f.word(is64 ? 0x28 : 0x20, ptr);
  const phentsize = f.u16(is64 ? 0x36 : 0x2a);
  const phnum = f.u16(is64 ? 0x38 : 0x2c);
  const shentsize = f.u16(is64 ? 0x3a : 0x2e);
  const shnum = f.u16(is64 ? 0x3c : 0x30);
  const shstrndx = f.u16(is64 ? 0x3e : 0x32);

  const mappings: Mapping[] = [];
  let dataStart: number | undefined;
  if (Number.isSafeInteger(phoff) && phoff > 0 && phentsize >= (is64 ? 56 : 32)) {
    for (let i = 0; i < Math.min(phnum, MAX_TABLE_ENTRIES); i++) {
      const p = phoff + i * phentsize;
      if (!f.ok(p, phentsize)) break;
      if (f.u32(p) !== PT_LOAD) continue;
      const flags = is64 ? f.u32(p + 4) : f.u32(p + 24);
      const offset = is64 ? f.u64(p + 8) : f.u32(p + 4);
      const vaddr = is64 ? f.u64(p + 16) : f.u32(p + 8);
      const filesz = is64 ? f.u64(p + 32) : f.u32(p + 16);
      if (![offset, vaddr, filesz].every(Number.isSafeInteger)) continue;
      mappings.push({ vaddr, offset, size: filesz });
      if (dataStart === undefined && (flags & PF_W) !== 0) dataStart = vaddr;
    }
  }

  const sections: Section[] = [];
  if (Number.isSafeInteger(shoff) && shoff > 0 && shentsize >= (is64 ? 64 : 40) && shstrndx < shnum) {
    const raw: Array<{ nameOff: number; type: number; flags: number; addr: number; offset: number; size: number }> = [];
    for (let i = 0; i < Math.min(shnum, MAX_TABLE_ENTRIES); i++) {
      const s = shoff + i * shentsize;
      if (!f.ok(s, shentsize)) break;
      raw.push({
        nameOff: f.u32(s),
        type: f.u32(s + 4),
        flags: is64 ? f.u64(s + 8) : f.u32(s + 8),
        addr: is64 ? f.u64(s + 16) : f.u32(s + 12),
        offset: is64 ? f.u64(s + 24) : f.u32(s + 16),
        size: is64 ? f.u64(s + 32) : f.u32(s + 20),
      });
    }
    const strtab = raw[shstrndx];
    for (const s of raw) {
      const name = strtab && Number.isSafeInteger(strtab.offset) ? f.cstring(strtab.offset + s.nameOff, 256) : '';
      if (![s.addr, s.offset, s.size].every(Number.isSafeInteger)) continue;
      sections.push({
        name,
        addr: (s.flags & SHF_ALLOC) !== 0 ? s.addr : 0,
        offset: s.offset,
        size: s.type === SHT_NOBITS ? 0 : s.size,
        writable: (s.flags & SHF_WRITE) !== 0,
      });
    }
    // Files without program headers (objects, some stripped oddities) still map through their sections.
    if (mappings.length === 0) {
      for (const s of sections) if (s.addr && s.size) mappings.push({ vaddr: s.addr, offset: s.offset, size: s.size });
    }
  }
  const exe: Executable = { format: 'elf', pointerSize: ptr, littleEndian: f.littleEndian, sections, ...addressSpace(mappings, buf) };
  if (dataStart !== undefined) exe.dataStart = dataStart;
  return exe;
}

const LC_SEGMENT = 0x1;
const LC_SEGMENT_64 = 0x19;
const S_ZEROFILL = 0x1;
const S_GB_ZEROFILL = 0xc;
const S_THREAD_LOCAL_ZEROFILL = 0x12;

function parseMachO(buf: Buffer): Executable | null {
  const le = buf.readUInt32LE(0);
  const littleEndian = le === 0xfeedface || le === 0xfeedfacf;
  const f = new Fields(buf, littleEndian);
  const magic = f.u32(0);
  const is64 = magic === 0xfeedfacf;
  const ncmds = f.u32(16);
  const sizeofcmds = f.u32(20);
  const start = is64 ? 32 : 28;
  const end = Math.min(buf.length, start + Math.min(sizeofcmds, MAX_LOAD_COMMAND_BYTES));
  const sections: Section[] = [];
  const mappings: Mapping[] = [];
  let dataStart: number | undefined;
  let at = start;
  for (let i = 0; i < Math.min(ncmds, MAX_TABLE_ENTRIES) && at + 8 <= end; i++) {
    const cmd = f.u32(at);
    const cmdsize = f.u32(at + 4);
    if (!(cmdsize >= 8) || at + cmdsize > end) break;
    if (cmd === (is64 ? LC_SEGMENT_64 : LC_SEGMENT)) {
      const segname = f.cstring(at + 8, 16);
      const vmaddr = is64 ? f.u64(at + 24) : f.u32(at + 24);
      const fileoff = is64 ? f.u64(at + 40) : f.u32(at + 32);
      const filesize = is64 ? f.u64(at + 48) : f.u32(at + 36);
      const nsects = f.u32(at + (is64 ? 64 : 48));
      if ([vmaddr, fileoff, filesize].every(Number.isSafeInteger)) {
        mappings.push({ vaddr: vmaddr, offset: fileoff, size: filesize });
        if (dataStart === undefined && segname === '__DATA') dataStart = vmaddr;
      }
      const headerSize = is64 ? 72 : 56;
      const sectSize = is64 ? 80 : 68;
      for (let j = 0; j < Math.min(nsects, MAX_TABLE_ENTRIES); j++) {
        const s = at + headerSize + j * sectSize;
        if (s + sectSize > at + cmdsize) break;
        const addr = is64 ? f.u64(s + 32) : f.u32(s + 32);
        const size = is64 ? f.u64(s + 40) : f.u32(s + 36);
        const offset = f.u32(s + (is64 ? 48 : 40));
        const type = f.u32(s + (is64 ? 64 : 56)) & 0xff;
        if (![addr, size, offset].every(Number.isSafeInteger)) continue;
        const zerofill = type === S_ZEROFILL || type === S_GB_ZEROFILL || type === S_THREAD_LOCAL_ZEROFILL;
        sections.push({
          name: f.cstring(s, 16),
          segment: f.cstring(s + 16, 16),
          addr,
          offset,
          size: zerofill ? 0 : size,
          writable: segname.startsWith('__DATA'),
        });
      }
    }
    at += cmdsize;
  }
  const exe: Executable = { format: 'macho', pointerSize: is64 ? 8 : 4, littleEndian, sections, ...addressSpace(mappings, buf) };
  const goSection = sections.find((s) => s.name === '__go_buildinfo');
  if (goSection) exe.dataStart = goSection.addr;
  else if (dataStart !== undefined) exe.dataStart = dataStart;
  return exe;
}

const IMAGE_SCN_CNT_CODE = 0x20;
const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40;
const IMAGE_SCN_MEM_WRITE = 0x80000000;

function parsePe(buf: Buffer): Executable | null {
  const f = new Fields(buf, true);
  const pe = f.u32(0x3c);
  if (!f.ok(pe, 24) || buf.readUInt32LE(pe) !== 0x00004550) return null;
  const nsections = f.u16(pe + 6);
  const optSize = f.u16(pe + 20);
  const opt = pe + 24;
  const optMagic = f.u16(opt);
  let imageBase: number;
  let pointerSize: 4 | 8;
  if (optMagic === 0x20b) {
    imageBase = f.u64(opt + 24);
    pointerSize = 8;
  } else if (optMagic === 0x10b) {
    imageBase = f.u32(opt + 28);
    pointerSize = 4;
  } else {
    return null;
  }
  if (!Number.isSafeInteger(imageBase)) return null;
  const sections: Section[] = [];
  const mappings: Mapping[] = [];
  let dataStart: number | undefined;
  const table = opt + optSize;
  for (let i = 0; i < Math.min(nsections, MAX_TABLE_ENTRIES); i++) {
    const s = table + i * 40;
    if (!f.ok(s, 40)) break;
    const name = f.cstring(s, 8);
    const virtualSize = f.u32(s + 8);
    const virtualAddress = f.u32(s + 12);
    const rawSize = f.u32(s + 16);
    const rawOffset = f.u32(s + 20);
    const characteristics = f.u32(s + 36);
    const addr = imageBase + virtualAddress;
    const size = Math.min(rawSize, virtualSize || rawSize);
    const writable = (characteristics & IMAGE_SCN_MEM_WRITE) !== 0;
    sections.push({ name, addr, offset: rawOffset, size, writable });
    mappings.push({ vaddr: addr, offset: rawOffset, size });
    const isData = (characteristics & IMAGE_SCN_CNT_INITIALIZED_DATA) !== 0 && (characteristics & IMAGE_SCN_CNT_CODE) === 0;
    if (dataStart === undefined && writable && isData && virtualAddress !== 0 && size > 0) dataStart = addr;
  }
  const exe: Executable = { format: 'pe', pointerSize, littleEndian: true, sections, ...addressSpace(mappings, buf) };
  if (dataStart !== undefined) exe.dataStart = dataStart;
  return exe;
}
