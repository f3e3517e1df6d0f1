/**
 * IP addresses and CIDR blocks as bigint ranges, the partition of the address
 * space into "atoms" that no policy CIDR cuts, and the way back: a set of
 * addresses written as few `{cidr, except}` blocks as possible.
 *
 * Every ipBlock `cidr` and `except` (and AdminNetworkPolicy `networks`) adds
 * its two ends as cut points; between two cut points every policy agrees, so
 * the analysis evaluates one representative range per atom instead of
 * addresses.
 */

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** First address (host bits cleared, as Go's net.ParseCIDR does). */
  base: bigint;
  prefix: number;
}

export interface Range {
  family: Family;
  lo: bigint;
  hi: bigint;
}

/** A set of external addresses as the JSON output writes it. */
export interface ExternalBlock {
  cidr: string;
  except: string[];
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };
export const familyMax = (f: Family): bigint => (1n << BigInt(BITS[f])) - 1n;

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(text: string): bigint | undefined {
  if (text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

export function parseIp(text: string): { family: Family; value: bigint } | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.includes(':')) {
    const value = parseV6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseV4(text);
  return value === undefined ? undefined : { family: 4, value };
}

export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > BITS[ip.family]) return undefined;
  return { family: ip.family, base: ip.value & ~hostMask(ip.family, prefix), prefix };
}

function hostMask(family: Family, prefix: number): bigint {
  return (1n << BigInt(BITS[family] - prefix)) - 1n;
}

export function cidrRange(c: Cidr): Range {
  return { family: c.family, lo: c.base, hi: c.base | hostMask(c.family, c.prefix) };
}

export function formatIp(family: Family, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((v >> s) & 0xffffn));
  // RFC 5952: compress the longest run of two or more zero groups (the first one on a tie).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.family, c.base)}/${c.prefix}`;
}

/** Cut the address space of each family at every CIDR end: the atoms, sorted by family then address. */
export function buildAtoms(cidrs: readonly Cidr[], families: readonly Family[]): Range[] {
  const atoms: Range[] = [];
  for (const family of [...families].sort()) {
    const cuts = new Set<bigint>([0n, familyMax(family) + 1n]);
    for (const c of cidrs) {
      if (c.family !== family) continue;
      const r = cidrRange(c);
      cuts.add(r.lo);
      cuts.add(r.hi + 1n);
    }
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i + 1 < sorted.length; i++) atoms.push({ family, lo: sorted[i]!, hi: sorted[i + 1]! - 1n });
  }
  return atoms;
}

/** Indexes of the atoms inside a CIDR (atoms never straddle a CIDR they were cut by). */
export function atomsWithin(atoms: readonly Range[], c: Cidr): number[] {
  const r = cidrRange(c);
  const out: number[] = [];
  // Atoms are sorted; find the first one at or after r.lo by binary search.
  let lo = 0;
  let hi = atoms.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const a = atoms[mid]!;
    if (a.family < c.family || (a.family === c.family && a.hi < r.lo)) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < atoms.length; i++) {
    const a = atoms[i]!;
    if (a.family !== c.family || a.lo > r.hi) break;
    if (a.lo >= r.lo && a.hi <= r.hi) out.push(i);
  }
  return out;
}

export function atomOfIp(atoms: readonly Range[], family: Family, v: bigint): number {
  return atoms.findIndex((a) => a.family === family && a.lo <= v && v <= a.hi);
}

type Cover = 'none' | 'full' | 'partial';

interface Plan {
  cost: number;
  blocks: Array<{ base: bigint; prefix: number; except: Array<{ base: bigint; prefix: number }> }>;
}

/**
 * The addresses of `ranges` (one family, sorted, disjoint) as `{cidr, except}`
 * blocks, choosing at each CIDR of the address tree between splitting it in
 * two and writing it as one block with holes, whichever needs fewer CIDRs in
 * total (`0.0.0.0/0 except 10.0.0.0/8` rather than 8 blocks).
 */
export function rangesToBlocks(family: Family, ranges: ReadonlyArray<{ lo: bigint; hi: bigint }>): ExternalBlock[] {
  const bits = BITS[family];
  const merged: Array<{ lo: bigint; hi: bigint }> = [];
  for (const r of [...ranges].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0))) {
    const last = merged[merged.length - 1];
    if (last && r.lo <= last.hi + 1n) {
      if (r.hi > last.hi) last.hi = r.hi;
    } else merged.push({ lo: r.lo, hi: r.hi });
  }
  const cover = (base: bigint, prefix: number): Cover => {
    const end = base | ((1n << BigInt(bits - prefix)) - 1n);
    let covered = 0n;
    for (const r of merged) {
      if (r.hi < base) continue;
      if (r.lo > end) break;
      const lo = r.lo > base ? r.lo : base;
      const hi = r.hi < end ? r.hi : end;
      covered += hi - lo + 1n;
    }
    if (covered === 0n) return 'none';
    return covered === end - base + 1n ? 'full' : 'partial';
  };
  const rMemo = new Map<string, Plan>();
  const hMemo = new Map<string, Plan>();
  const children = (base: bigint, prefix: number): [[bigint, number], [bigint, number]] => [
    [base, prefix + 1],
    [base | (1n << BigInt(bits - prefix - 1)), prefix + 1],
  ];
  // R: the covered part of a block as blocks of their own.
  const R = (base: bigint, prefix: number): Plan => {
    const key = `${base}/${prefix}`;
    const hit = rMemo.get(key);
    if (hit) return hit;
    let plan: Plan;
    const c = cover(base, prefix);
    if (c === 'none') plan = { cost: 0, blocks: [] };
    else if (c === 'full') plan = { cost: 1, blocks: [{ base, prefix, except: [] }] };
    else {
      const [l, r] = children(base, prefix);
      const a = R(...l);
      const b = R(...r);
      const split: Plan = { cost: a.cost + b.cost, blocks: [...a.blocks, ...b.blocks] };
      const hl = H(...l);
      const hr = H(...r);
      const holes = [...hl.blocks[0]!.except, ...hr.blocks[0]!.except];
      const withHoles: Plan = { cost: 1 + hl.cost + hr.cost, blocks: [{ base, prefix, except: holes }, ...hl.blocks.slice(1), ...hr.blocks.slice(1)] };
      plan = withHoles.cost < split.cost ? withHoles : split;
    }
    rMemo.set(key, plan);
    return plan;
  };
  // H: the uncovered part of a block that sits inside a larger block, as holes
  // (blocks[0].except), with covered islands inside holes as extra blocks.
  const H = (base: bigint, prefix: number): Plan => {
    const key = `${base}/${prefix}`;
    const hit = hMemo.get(key);
    if (hit) return hit;
    let plan: Plan;
    const c = cover(base, prefix);
    if (c === 'full') plan = { cost: 0, blocks: [{ base: 0n, prefix: 0, except: [] }] };
    else if (c === 'none') plan = { cost: 1, blocks: [{ base: 0n, prefix: 0, except: [{ base, prefix }] }] };
    else {
      const [l, r] = children(base, prefix);
      const a = H(...l);
      const b = H(...r);
      const deeper: Plan = {
        cost: a.cost + b.cost,
        blocks: [{ base: 0n, prefix: 0, except: [...a.blocks[0]!.except, ...b.blocks[0]!.except] }, ...a.blocks.slice(1), ...b.blocks.slice(1)],
      };
      const inner = R(base, prefix);
      const asHole: Plan = { cost: 1 + inner.cost, blocks: [{ base: 0n, prefix: 0, except: [{ base, prefix }] }, ...inner.blocks] };
      plan = asHole.cost < deeper.cost ? asHole : deeper;
    }
    hMemo.set(key, plan);
    return plan;
  };
  const plan = R(0n, 0);
  return plan.blocks
    .sort((x, y) => (x.base < y.base ? -1 : x.base > y.base ? 1 : x.prefix - y.prefix))
    .map((b) => ({
      cidr: formatCidr({ family, base: b.base, prefix: b.prefix }),
      except: b.except.sort((x, y) => (x.base < y.base ? -1 : x.base > y.base ? 1 : 0)).map((e) => formatCidr({ family, base: e.base, prefix: e.prefix })),
    }));
}

/** Private, loopback, link-local and shared (CGNAT) ranges: addresses the internet cannot be. */
export const NON_PUBLIC: readonly Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '0.0.0.0/8', 'fc00::/7', 'fe80::/10', '::1/128'].map(
  (t) => parseCidr(t)!,
);

/** Does the range hold at least one public (internet) address? */
export function hasPublicAddress(r: Range): boolean {
  const holes = NON_PUBLIC.filter((c) => c.family === r.family)
    .map(cidrRange)
    .sort((a, b) => (a.lo < b.lo ? -1 : 1));
  let next = r.lo;
  for (const h of holes) {
    if (h.hi < next) continue;
    if (h.lo > next) return true;
    next = h.hi + 1n;
    if (next > r.hi) return false;
  }
  return next <= r.hi;
}
