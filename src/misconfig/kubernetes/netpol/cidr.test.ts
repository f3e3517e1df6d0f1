import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atomsWithin, buildAtoms, cidrRange, familyMax, formatCidr, formatIp, hasPublicAddress, parseCidr, parseIp, rangesToBlocks, type Family } from './cidr.js';

const range = (t: string) => cidrRange(parseCidr(t)!);

describe('parseCidr / parseIp', () => {
  it('parses IPv4 and IPv6 blocks and clears host bits like net.ParseCIDR', () => {
    expect(formatCidr(parseCidr('10.1.2.3/8')!)).toBe('10.0.0.0/8');
    expect(formatCidr(parseCidr('0.0.0.0/0')!)).toBe('0.0.0.0/0');
    expect(formatCidr(parseCidr('2001:DB8::1/32')!)).toBe('2001:db8::/32');
    expect(formatCidr(parseCidr('::ffff:10.0.0.1/128')!)).toBe('::ffff:a00:1/128');
    expect(parseCidr('::/0')).toEqual({ family: 6, base: 0n, prefix: 0 });
  });

  it('rejects what Go rejects', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '01.2.3.4/8', '1.2.3/8', '::1::/64', '2001:db8::/129', 'abc/8', '10.0.0.0/-1', '1:2:3:4:5:6:7:8:9/64', '', 42, null]) {
      expect(parseCidr(bad as string)).toBeUndefined();
    }
    expect(parseIp('1.2.3.4')).toEqual({ family: 4, value: 0x01020304n });
    expect(parseIp('1.2.3.4.5')).toBeUndefined();
  });

  it('formats IPv6 the RFC 5952 way', () => {
    const v6 = (t: string) => formatIp(6, parseIp(t)!.value);
    expect(v6('0:0:0:0:0:0:0:0')).toBe('::');
    expect(v6('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(v6('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(v6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(v6('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
  });
});

describe('address atoms', () => {
  it('cuts the space at every CIDR end; atoms inside a CIDR are exactly it', () => {
    const cidrs = ['10.0.0.0/8', '10.1.0.0/16', '192.168.0.0/16'].map((t) => parseCidr(t)!);
    const atoms = buildAtoms(cidrs, [4]);
    expect(atoms.map((a) => `${formatIp(4, a.lo)}-${formatIp(4, a.hi)}`)).toEqual([
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.0.255.255',
      '10.1.0.0-10.1.255.255',
      '10.2.0.0-10.255.255.255',
      '11.0.0.0-192.167.255.255',
      '192.168.0.0-192.168.255.255',
      '192.169.0.0-255.255.255.255',
    ]);
    expect(atomsWithin(atoms, parseCidr('10.0.0.0/8')!)).toEqual([1, 2, 3]);
    expect(atomsWithin(atoms, parseCidr('0.0.0.0/0')!)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(atomsWithin(atoms, parseCidr('::/0')!)).toEqual([]);
    expect(buildAtoms([], [4, 6]).map((a) => a.family)).toEqual([4, 6]);
  });
});

describe('rangesToBlocks', () => {
  const blocks = (family: Family, ...ts: string[]) => rangesToBlocks(family, ts.map(range));
  it('writes a set of addresses as few cidr/except blocks as possible', () => {
    expect(blocks(4, '0.0.0.0/0')).toEqual([{ cidr: '0.0.0.0/0', except: [] }]);
    expect(blocks(4, '0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1')).toEqual([{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }]);
    expect(blocks(4, '10.0.0.0/16', '10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9')).toEqual([{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }]);
    expect(blocks(4, '192.168.0.0/16', '10.0.0.0/8')).toEqual([
      { cidr: '10.0.0.0/8', except: [] },
      { cidr: '192.168.0.0/16', except: [] },
    ]);
    expect(blocks(4, '10.0.0.0/24', '10.0.1.0/24')).toEqual([{ cidr: '10.0.0.0/23', except: [] }]);
    expect(blocks(6, '::/1', '8000::/1')).toEqual([{ cidr: '::/0', except: [] }]);
    expect(blocks(4)).toEqual([]);
  });

  it('round-trips any union of CIDRs exactly, with disjoint blocks', () => {
    const cidr = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => parseCidr(`${formatIp(4, BigInt(ip))}/${p}`)!);
    fc.assert(
      fc.property(fc.array(cidr, { maxLength: 6 }), (cs) => {
        const input = cs.map(cidrRange);
        const out = rangesToBlocks(4, input);
        // Expand the output back to address ranges and compare with the input's union.
        const expanded: Array<[bigint, bigint]> = [];
        for (const b of out) {
          const whole = range(b.cidr);
          let parts: Array<[bigint, bigint]> = [[whole.lo, whole.hi]];
          for (const e of b.except) {
            const x = range(e);
            expect(x.lo >= whole.lo && x.hi <= whole.hi).toBe(true);
            parts = parts.flatMap(([lo, hi]): Array<[bigint, bigint]> => {
              if (x.hi < lo || x.lo > hi) return [[lo, hi]];
              const keep: Array<[bigint, bigint]> = [];
              if (x.lo > lo) keep.push([lo, x.lo - 1n]);
              if (x.hi < hi) keep.push([x.hi + 1n, hi]);
              return keep;
            });
          }
          expanded.push(...parts);
        }
        const normalize = (rs: Array<[bigint, bigint]>) => {
          const sorted = [...rs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
          const merged: Array<[bigint, bigint]> = [];
          for (const [lo, hi] of sorted) {
            const last = merged[merged.length - 1];
            if (last && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
            else merged.push([lo, hi]);
          }
          return merged;
        };
        const total = (rs: Array<[bigint, bigint]>) => rs.reduce((n, [lo, hi]) => n + (hi - lo + 1n), 0n);
        const norm = normalize(expanded);
        expect(norm).toEqual(normalize(input.map((r) => [r.lo, r.hi])));
        // Disjoint: no address counted twice.
        expect(total(expanded)).toBe(total(norm));
      }),
      { numRuns: 150 },
    );
  });
});

describe('hasPublicAddress', () => {
  it('knows private, shared and loopback ranges are not the internet', () => {
    expect(hasPublicAddress(range('10.0.0.0/8'))).toBe(false);
    expect(hasPublicAddress(range('192.168.1.0/24'))).toBe(false);
    expect(hasPublicAddress(range('100.64.0.0/10'))).toBe(false);
    expect(hasPublicAddress(range('0.0.0.0/0'))).toBe(true);
    expect(hasPublicAddress(range('8.8.8.8/32'))).toBe(true);
    expect(hasPublicAddress(range('172.0.0.0/11'))).toBe(true);
    expect(hasPublicAddress(range('fd00::/8'))).toBe(false);
    expect(hasPublicAddress({ family: 6, lo: 0n, hi: familyMax(6) })).toBe(true);
  });
});
