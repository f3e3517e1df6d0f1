/**
 * The build information the Go toolchain embeds in every binary it links:
 * the Go version and the "modinfo" text (`path`, `mod`, `dep`, `=>`, `build`
 * lines), the same facts `go version -m` prints.
 *
 * Layout of the 32-byte header, 16-byte aligned in `.go.buildinfo` (ELF),
 * `__go_buildinfo` (Mach-O) or at the start of the first writable data
 * section (PE and older binaries):
 *
 *   0  "\xff Go buildinf:" (14 bytes)
 *   14 pointer size (4 or 8)
 *   15 flags: bit 0 big-endian pointers, bit 1 inline strings
 *   16 Go ≥ 1.18 (inline): two uvarint-length-prefixed strings at offset 32
 *      older: two pointers to Go string headers {data pointer, length}
 *
 * The modinfo text is wrapped in 16 bytes of sentinel on each side.
 */
import { parseExecutable, executableFormat } from './executable.js';
import type { Executable } from './executable.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
/** Go searches this much of the data area for the header; so do we. */
const SEARCH_WINDOW = 64 * 1024;
const MAX_VERSION_BYTES = 256;
/** A module list this long would be a binary with tens of thousands of dependencies. */
const MAX_MODINFO_BYTES = 8 * 1024 * 1024;
/** The full-file fallback search gives up after this many false matches of the magic. */
const MAX_CANDIDATES = 64;

export interface RawBuildInfo {
  /** As written, e.g. `go1.19.8` or `go1.22.3 X:boringcrypto`. */
  goVersion: string;
  /** The modinfo text without its sentinels; empty when the binary has none. */
  modinfo: string;
}

export type BuildInfoResult = { ok: true; info: RawBuildInfo } | { ok: false; reason: string } | null;

/**
 * The build info of a Go executable. Returns null for files that are not
 * ELF/Mach-O/PE or carry no Go build info (nearly every executable), and a
 * reason when there is a header that cannot be read.
 */
export function readBuildInfo(buf: Buffer): BuildInfoResult {
  if (!executableFormat(buf)) return null;
  const exe = parseExecutable(buf);
  let failure: string | undefined;
  for (const offset of candidateOffsets(buf, exe)) {
    const r = decodeHeader(buf, offset, exe);
    if (r.ok) return r;
    failure ??= r.reason;
  }
  return failure ? { ok: false, reason: failure } : null;
}

/** File offsets where a build info header may start, most likely first. */
function* candidateOffsets(buf: Buffer, exe: Executable | null): Generator<number> {
  const seen = new Set<number>();
  if (exe) {
    const named = exe.sections.find((s) => s.name === '.go.buildinfo' || s.name === '__go_buildinfo');
    const region = named ? { offset: named.offset, size: named.size } : regionAt(exe, exe.dataStart);
    if (region) {
      const end = Math.min(buf.length, region.offset + Math.min(region.size, SEARCH_WINDOW));
      for (let o = region.offset; o + HEADER_SIZE <= end; o += 16) {
        if (buf.compare(MAGIC, 0, MAGIC.length, o, o + MAGIC.length) === 0) {
          seen.add(o);
          yield o;
          break;
        }
      }
    }
  }
  // Headers outside the expected place (unusual linkers, damaged section tables):
  // scan the whole file, keeping 16-byte alignment as Go's linker does.
  let from = 0;
  for (let n = 0; n < MAX_CANDIDATES; n++) {
    const o = buf.indexOf(MAGIC, from);
    if (o < 0) return;
    from = o + 1;
    if (o % 16 === 0 && !seen.has(o) && o + HEADER_SIZE <= buf.length) yield o;
  }
}

/** File region from the file offset of `vaddr` to the end of its mapping (at most the search window). */
function regionAt(exe: Executable, vaddr: number | undefined): { offset: number; size: number } | null {
  if (vaddr === undefined) return null;
  const offset = exe.fileOffset(vaddr);
  return offset === null ? null : { offset, size: SEARCH_WINDOW };
}

type Decoded = { ok: true; info: RawBuildInfo } | { ok: false; reason: string };

function decodeHeader(buf: Buffer, o: number, exe: Executable | null): Decoded {
  const ptrSize = buf[o + 14];
  const flags = buf[o + 15]!;
  if (ptrSize !== 4 && ptrSize !== 8) return { ok: false, reason: `Go build info header has pointer size ${ptrSize}` };
  if ((flags & 2) !== 0) {
    const version = readVarBytes(buf, o + HEADER_SIZE, MAX_VERSION_BYTES);
    if (!version) return { ok: false, reason: 'Go build info: unreadable version string' };
    const mod = readVarBytes(buf, version.next, MAX_MODINFO_BYTES);
    if (!mod) return { ok: false, reason: 'Go build info: unreadable module information' };
    return finish(version.value, mod.value);
  }
  // Before Go 1.18: pointers to string headers, resolved through the load segments.
  if (!exe) return { ok: false, reason: 'Go build info uses pointers but the executable headers are unreadable' };
  const bigEndian = (flags & 1) !== 0;
  const ptrAt = (b: Buffer, at: number): number => {
    if (at + ptrSize > b.length) return NaN;
    if (ptrSize === 8) {
      const v = bigEndian ? b.readBigUInt64BE(at) : b.readBigUInt64LE(at);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? NaN : Number(v);
    }
    return bigEndian ? b.readUInt32BE(at) : b.readUInt32LE(at);
  };
  const readString = (addr: number, max: number): Buffer | null => {
    const header = exe.read(addr, ptrSize * 2);
    if (!header) return null;
    const len = ptrAt(header, ptrSize);
    if (!Number.isSafeInteger(len) || len > max) return null;
    if (len === 0) return Buffer.alloc(0);
    return exe.read(ptrAt(header, 0), len);
  };
  const version = readString(ptrAt(buf, o + 16), MAX_VERSION_BYTES);
  if (!version || version.length === 0) return { ok: false, reason: 'Go build info: version pointer does not resolve' };
  const mod = readString(ptrAt(buf, o + 16 + ptrSize), MAX_MODINFO_BYTES);
  if (!mod) return { ok: false, reason: 'Go build info: module information pointer does not resolve' };
  return finish(version, mod);
}

function finish(versionBytes: Buffer, modBytes: Buffer): Decoded {
  const goVersion = versionBytes.toString('utf8');
  if (!/^(go\d|devel )/.test(goVersion)) {
    return { ok: false, reason: 'Go build info: version string does not start with "go"' };
  }
  return { ok: true, info: { goVersion, modinfo: stripSentinels(modBytes).toString('utf8') } };
}

/** Removes the 16-byte sentinels around the modinfo text, as the Go runtime does. */
function stripSentinels(mod: Buffer): Buffer {
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) return mod.subarray(16, mod.length - 16);
  return Buffer.alloc(0);
}

function readVarBytes(buf: Buffer, at: number, max: number): { value: Buffer; next: number } | null {
  let len = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    if (i >= buf.length || shift > 35) return null;
    const b = buf[i++]!;
    len += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  if (len > max || i + len > buf.length) return null;
  return { value: buf.subarray(i, i + len), next: i + len };
}
