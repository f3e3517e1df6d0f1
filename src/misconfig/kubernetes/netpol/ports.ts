/**
 * Sets of connections: for each port protocol (TCP, UDP, SCTP) a set of port
 * ranges, plus one flag for every protocol without ports (ICMP and the rest).
 * "All connections" is every port of the three protocols and the flag.
 *
 * Sets are interned in a `ConnTable`: each distinct set gets a small integer
 * id, and union / intersection / difference are memoized on ids. The
 * connectivity matrix is a matrix of ids, so the same few sets (nothing,
 * everything, "TCP 5432") are computed once, not once per pair.
 */

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** One range of ports of one protocol, as the JSON output writes it. */
export interface PortRangeJson {
  protocol: Protocol;
  port: number;
  endPort?: number;
}

/** `"all"`, or the port ranges (protocols without ports are only part of "all"). */
export type ConnJson = 'all' | PortRangeJson[];

/** Inclusive ranges, flattened `[start, end, start, end, …]`, sorted, disjoint, non-adjacent. */
type Ranges = readonly number[];

export interface ConnSet {
  readonly ranges: readonly [Ranges, Ranges, Ranges];
  /** Protocols without ports (ICMP, …): only rules without any `ports` allow them. */
  readonly other: boolean;
}

const FULL: Ranges = [MIN_PORT, MAX_PORT];

export function protocolIndex(p: Protocol): number {
  return p === 'TCP' ? 0 : p === 'UDP' ? 1 : 2;
}

export function parseProtocol(v: unknown): Protocol | undefined {
  if (v === undefined || v === null) return 'TCP';
  return v === 'TCP' || v === 'UDP' || v === 'SCTP' ? v : undefined;
}

function mergeRanges(rs: Array<[number, number]>): number[] {
  rs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: number[] = [];
  for (const [s, e] of rs) {
    const n = out.length;
    if (n && s <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, e);
    else out.push(s, e);
  }
  return out;
}

function pairs(r: Ranges): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < r.length; i += 2) out.push([r[i]!, r[i + 1]!]);
  return out;
}

function unionRanges(a: Ranges, b: Ranges): number[] {
  if (!a.length) return [...b];
  if (!b.length) return [...a];
  return mergeRanges([...pairs(a), ...pairs(b)]);
}

function intersectRanges(a: Ranges, b: Ranges): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]!, b[j]!);
    const e = Math.min(a[i + 1]!, b[j + 1]!);
    if (s <= e) out.push(s, e);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

function complementRanges(a: Ranges): number[] {
  const out: number[] = [];
  let next = MIN_PORT;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i]! > next) out.push(next, a[i]! - 1);
    next = a[i + 1]! + 1;
  }
  if (next <= MAX_PORT) out.push(next, MAX_PORT);
  return out;
}

const subtractRanges = (a: Ranges, b: Ranges) => intersectRanges(a, complementRanges(b));

export function connKey(c: ConnSet): string {
  return `${c.ranges.map((r) => r.join(',')).join('|')}|${c.other ? 1 : 0}`;
}

export const EMPTY_SET: ConnSet = { ranges: [[], [], []], other: false };
export const ALL_SET: ConnSet = { ranges: [FULL, FULL, FULL], other: true };

/** Ports of one protocol: `port` alone, or `port..endPort`, or every port when `port` is absent. */
export function portSet(protocol: Protocol, port?: number, endPort?: number): ConnSet {
  const r: [number[], number[], number[]] = [[], [], []];
  const start = port ?? MIN_PORT;
  const end = port === undefined ? MAX_PORT : (endPort ?? port);
  if (start >= MIN_PORT && end <= MAX_PORT && start <= end) r[protocolIndex(protocol)] = [start, end];
  return { ranges: r, other: false };
}

export function unionSets(a: ConnSet, b: ConnSet): ConnSet {
  return { ranges: [0, 1, 2].map((i) => unionRanges(a.ranges[i]!, b.ranges[i]!)) as unknown as ConnSet['ranges'], other: a.other || b.other };
}

export function intersectSets(a: ConnSet, b: ConnSet): ConnSet {
  return { ranges: [0, 1, 2].map((i) => intersectRanges(a.ranges[i]!, b.ranges[i]!)) as unknown as ConnSet['ranges'], other: a.other && b.other };
}

export function subtractSets(a: ConnSet, b: ConnSet): ConnSet {
  return { ranges: [0, 1, 2].map((i) => subtractRanges(a.ranges[i]!, b.ranges[i]!)) as unknown as ConnSet['ranges'], other: a.other && !b.other };
}

export function isEmptySet(c: ConnSet): boolean {
  return !c.other && c.ranges.every((r) => r.length === 0);
}

export function isAllSet(c: ConnSet): boolean {
  return c.other && c.ranges.every((r) => r.length === 2 && r[0] === MIN_PORT && r[1] === MAX_PORT);
}

export function hasPort(c: ConnSet, protocol: Protocol, port: number): boolean {
  const r = c.ranges[protocolIndex(protocol)]!;
  for (let i = 0; i < r.length; i += 2) if (port >= r[i]! && port <= r[i + 1]!) return true;
  return false;
}

export function connJson(c: ConnSet): ConnJson {
  if (isAllSet(c)) return 'all';
  const out: PortRangeJson[] = [];
  PROTOCOLS.forEach((protocol, i) => {
    for (const [s, e] of pairs(c.ranges[i]!)) out.push(s === e ? { protocol, port: s } : { protocol, port: s, endPort: e });
  });
  return out;
}

/** `TCP 80,UDP 53,TCP 8000-8080`, or `All Connections`. */
export function connText(c: ConnSet | ConnJson): string {
  const j = Array.isArray(c) || c === 'all' ? c : connJson(c);
  if (j === 'all') return 'All Connections';
  if (!j.length) return 'No Connections';
  return j.map((r) => `${r.protocol} ${r.port}${r.endPort !== undefined ? `-${r.endPort}` : ''}`).join(',');
}

/** Interned connection sets with memoized operations. Id 0 is nothing, id 1 is everything. */
export class ConnTable {
  static readonly EMPTY = 0;
  static readonly ALL = 1;
  private readonly sets: ConnSet[] = [];
  private readonly ids = new Map<string, number>();
  private readonly unions = new Map<number, number>();
  private readonly inters = new Map<number, number>();
  private readonly diffs = new Map<number, number>();

  constructor() {
    this.intern(EMPTY_SET);
    this.intern(ALL_SET);
  }

  intern(c: ConnSet): number {
    const key = connKey(c);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(c);
      this.ids.set(key, id);
    }
    return id;
  }

  get(id: number): ConnSet {
    return this.sets[id]!;
  }

  get size(): number {
    return this.sets.length;
  }

  private memo(cache: Map<number, number>, a: number, b: number, op: (x: ConnSet, y: ConnSet) => ConnSet): number {
    const key = a * 0x4000000 + b;
    let id = cache.get(key);
    if (id === undefined) {
      id = this.intern(op(this.sets[a]!, this.sets[b]!));
      cache.set(key, id);
    }
    return id;
  }

  union(a: number, b: number): number {
    if (a === b || b === ConnTable.EMPTY || a === ConnTable.ALL) return a;
    if (a === ConnTable.EMPTY || b === ConnTable.ALL) return b;
    return a < b ? this.memo(this.unions, a, b, unionSets) : this.memo(this.unions, b, a, unionSets);
  }

  intersect(a: number, b: number): number {
    if (a === b || b === ConnTable.ALL || a === ConnTable.EMPTY) return a;
    if (b === ConnTable.EMPTY || a === ConnTable.ALL) return b;
    return a < b ? this.memo(this.inters, a, b, intersectSets) : this.memo(this.inters, b, a, intersectSets);
  }

  subtract(a: number, b: number): number {
    if (a === ConnTable.EMPTY || b === ConnTable.EMPTY) return a;
    if (a === b || b === ConnTable.ALL) return ConnTable.EMPTY;
    return this.memo(this.diffs, a, b, subtractSets);
  }
}
