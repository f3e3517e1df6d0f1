import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bpftraceStringBytes, bytesToText, textToBytes } from './bytes.js';

describe('bpftraceStringBytes', () => {
  it('turns bpftrace 0.17 escapes of high bytes back into the bytes', () => {
    // As JSON.parse returns "\uffffff80…\uffffffff" (recorded from bpftrace 0.17).
    const parsed = JSON.parse('"x\\uffffff80\\uffffffc3\\uffffffa9\\uffffffff\\"y"') as string;
    expect(bpftraceStringBytes(parsed)).toEqual(Buffer.from([0x78, 0x80, 0xc3, 0xa9, 0xff, 0x22, 0x79]));
  });

  it('keeps ASCII and control characters as they are', () => {
    const parsed = JSON.parse('"a\\u0001\\n\\t%s\\\\"') as string;
    expect(bpftraceStringBytes(parsed)).toEqual(Buffer.from('a\x01\n\t%s\\', 'latin1'));
  });

  it('is exact for every byte string bpftrace could print', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (bytes) => {
        const nonNul = Buffer.from(bytes.filter((b) => b !== 0));
        // What bpftrace 0.17 prints for these bytes.
        let json = '"';
        for (const b of nonNul) {
          if (b >= 0x80) json += `\\uffffff${b.toString(16).padStart(2, '0')}`;
          else if (b === 0x22 || b === 0x5c) json += `\\${String.fromCharCode(b)}`;
          else if (b < 0x20) json += `\\u${b.toString(16).padStart(4, '0')}`;
          else json += String.fromCharCode(b);
        }
        json += '"';
        expect(bpftraceStringBytes(JSON.parse(json) as string)).toEqual(nonNul);
      }),
      { numRuns: 300 },
    );
  });
});

describe('bytesToText / textToBytes', () => {
  it('decodes valid UTF-8 as usual', () => {
    expect(bytesToText(Buffer.from('/tmp/é/😀'))).toBe('/tmp/é/😀');
  });

  it('escapes each byte of an invalid sequence as a lone surrogate', () => {
    expect(bytesToText(Buffer.from([0x61, 0xff, 0xc3, 0x28]))).toBe('a\udcff\udcc3(');
    expect(bytesToText(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\udced\udca0\udc80'); // an encoded surrogate is invalid
    expect(bytesToText(Buffer.from([0xc0, 0xaf]))).toBe('\udcc0\udcaf'); // overlong
  });

  it('round-trips every byte string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(textToBytes(bytesToText(bytes))).toEqual(Buffer.from(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips astral characters next to escaped bytes', () => {
    const b = Buffer.concat([Buffer.from('𐂀'), Buffer.from([0x80]), Buffer.from('😀')]);
    expect(textToBytes(bytesToText(b))).toEqual(b);
  });
});
