/**
 * Exact bytes of strings that pass through bpftrace's JSON output, and a
 * lossless text form for them.
 *
 * bpftrace 0.17 escapes every byte ≥ 0x80 of a string as `\uffffffXX` (a
 * sign-extended char printed with %04x): JSON.parse turns that into U+FFFF
 * followed by the four characters `ffXX`. U+FFFF never stands for itself
 * (bpftrace would have printed its UTF-8 bytes as three such escapes), so the
 * pattern is unambiguous and every byte comes back exactly. Quotes,
 * backslashes and control characters are escaped by bpftrace too, so a
 * field can neither end early nor inject another.
 *
 * Text form: valid UTF-8 decodes as usual; each byte of an invalid sequence
 * becomes the lone surrogate U+DC80+byte (Python's "surrogateescape"), which
 * no valid UTF-8 produces, so `textToBytes(bytesToText(b))` is `b`.
 */

const HEX = /^[0-9a-fA-F]{2}$/;

/** The bytes a JSON-decoded bpftrace string stands for. */
export function bpftraceStringBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code === 0xffff && s[i + 1] === 'f' && s[i + 2] === 'f' && HEX.test(s.slice(i + 3, i + 5))) {
      out.push(parseInt(s.slice(i + 3, i + 5), 16));
      i += 4;
    } else if (code <= 0xff) {
      // ASCII, or a raw byte of a line read as latin1 (bpftrace versions that do not escape).
      out.push(code);
    } else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    }
  }
  return Buffer.from(out);
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when it is invalid. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // UTF-16 surrogates
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xf0 && c1 < 0x90) return 0; // overlong
    if (c === 0xf4 && c1 >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

/** Bytes as text: UTF-8, with each byte of an invalid sequence as U+DC80+byte. */
export function bytesToText(b: Uint8Array): string {
  let out = '';
  let start = 0;
  let i = 0;
  const flush = (end: number) => {
    if (end > start) out += Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
  };
  while (i < b.length) {
    const n = utf8SequenceLength(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    flush(i);
    out += String.fromCharCode(0xdc00 + b[i]!);
    i++;
    start = i;
  }
  flush(i);
  return out;
}

/** The exact bytes behind a text made by bytesToText. */
export function textToBytes(s: string): Buffer {
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const isLowSurrogate = code >= 0xdc80 && code <= 0xdcff;
    const pairedWithHigh = isLowSurrogate && i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff;
    if (isLowSurrogate && !pairedWithHigh) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([code - 0xdc00]));
      run = '';
    } else {
      run += s[i];
    }
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}
