/**
 * IPv4/IPv6 addresses and CIDR networks for the `fd.*ip` and `fd.*net`
 * fields. Addresses are compared in canonical form; an IPv4-mapped IPv6
 * address (`::ffff:10.0.0.1`) is the IPv4 address.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  v6: boolean;
  /** Address as a bigint (32 or 128 bits), host bits cleared. */
  base: bigint;
  /** The same for IPv4, as an unsigned 32-bit number. */
  base4: number;
  prefix: number;
}

function v4ToBig(s: string): bigint {
  let n = 0n;
  for (const part of s.split('.')) n = (n << 8n) | BigInt(Number(part));
  return n;
}

function v6ToBig(s: string): bigint {
  let text = s;
  let tail: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  const lastPart = text.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    tail = v4ToBig(lastPart);
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headParts = head ? head.split(':') : [];
  const restParts = rest === undefined ? [] : rest ? rest.split(':') : [];
  const fill = rest === undefined ? 0 : 8 - headParts.length - restParts.length;
  const groups = [...headParts, ...Array<string>(fill).fill('0'), ...restParts];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g || '0', 16));
  if (tail !== undefined) n = (n & ~0xffffffffn) | tail;
  return n;
}

/** Canonical text of an address, or undefined when it is not an IP address. */
export function canonicalIp(s: string): string | undefined {
  const t = s.trim();
  if (isIPv4(t)) return t.split('.').map((p) => String(Number(p))).join('.');
  const bare = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
  if (!isIPv6(bare)) return undefined;
  const n = v6ToBig(bare.toLowerCase());
  if (n >> 32n === 0xffffn) return bigToV4(n & 0xffffffffn);
  const groups: string[] = [];
  for (let k = 7; k >= 0; k--) groups.push(((n >> BigInt(k * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

function bigToV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((sh) => String((n >> sh) & 0xffn)).join('.');
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address (a /32 or /128). */
export function parseCidr(s: string): Cidr | undefined {
  const [addr, len] = s.trim().split('/') as [string, string | undefined];
  const canon = canonicalIp(addr);
  if (canon === undefined) return undefined;
  const v6 = canon.includes(':');
  const bits = v6 ? 128 : 32;
  const prefix = len === undefined ? bits : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (len !== undefined && !/^\d+$/.test(len))) return undefined;
  const base = maskOf(v6 ? v6ToBig(canon) : v4ToBig(canon), prefix, bits);
  return { v6, base, base4: v6 ? 0 : Number(base), prefix };
}

function maskOf(n: bigint, prefix: number, bits: number): bigint {
  if (prefix === 0) return 0n;
  const hostBits = BigInt(bits - prefix);
  return (n >> hostBits) << hostBits;
}

export interface ParsedIp {
  canon: string;
  v6: boolean;
  /** IPv4 address as an unsigned 32-bit number (0 for IPv6). */
  n4: number;
  /** IPv6 address (0n for IPv4). */
  n6: bigint;
}

const IP_CACHE = new Map<string, ParsedIp | null>();
const IP_CACHE_MAX = 4096;

/** Parse an address; results are cached (addresses repeat a lot in event streams). */
export function parseIp(s: string): ParsedIp | undefined {
  const hit = IP_CACHE.get(s);
  if (hit !== undefined) return hit ?? undefined;
  const canon = canonicalIp(s);
  let out: ParsedIp | null = null;
  if (canon !== undefined) {
    const v6 = canon.includes(':');
    out = v6 ? { canon, v6, n4: 0, n6: v6ToBig(canon) } : { canon, v6, n4: Number(v4ToBig(canon)), n6: 0n };
  }
  if (IP_CACHE.size >= IP_CACHE_MAX) IP_CACHE.clear();
  IP_CACHE.set(s, out);
  return out ?? undefined;
}

export function cidrContains(net: Cidr, ip: ParsedIp): boolean {
  if (ip.v6 !== net.v6) return false;
  if (!ip.v6) {
    if (net.prefix === 0) return true;
    const sh = 32 - net.prefix;
    return ip.n4 >>> sh === net.base4 >>> sh;
  }
  return maskOf(ip.n6, net.prefix, 128) === net.base;
}
