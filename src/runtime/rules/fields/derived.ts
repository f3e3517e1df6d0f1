/**
 * Values derived from a syscall event once per event (command lines, image
 * parts, parsed addresses, open flags), shared by the field getters, and the
 * time formats.
 */
import type { ProcessInfo } from '../../events.js';
import { parseIp, type ParsedIp } from './net.js';
import { openFlagsText } from './tables.js';
import type { EvalCtx, ImageParts } from './types.js';

/**
 * Process details the sensor may add beyond ProcessInfo (proposed additions
 * to events.ts): controlling terminal, session id, pid inside the container's
 * pid namespace, and the parent's arguments.
 */
export interface ProcessInfoExtras {
  tty?: number;
  sid?: number;
  vpid?: number;
  parentArgs?: string[];
}

export const proc = (c: EvalCtx): ProcessInfo & ProcessInfoExtras => c.proc;

export function cmdline(c: EvalCtx): string {
  if (c.cmdline === undefined) {
    const p = c.proc;
    c.cmdline = p.args && p.args.length > 0 ? `${p.name} ${p.args.join(' ')}` : p.name;
  }
  return c.cmdline;
}

export function args(c: EvalCtx): string | undefined {
  const a = c.proc.args;
  if (a === undefined) return undefined;
  if (c.argsText === undefined) c.argsText = a.join(' ');
  return c.argsText;
}

export function pcmdline(c: EvalCtx): string | undefined {
  if (c.pcmdline === undefined) {
    const p = proc(c);
    const pname = p.ancestors?.[0];
    if (pname === undefined) return undefined;
    c.pcmdline = p.parentArgs && p.parentArgs.length > 0 ? `${pname} ${p.parentArgs.join(' ')}` : pname;
  }
  return c.pcmdline;
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

export function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** Falco's 12-character container id for 64-character (sha256) runtime ids. */
export function shortContainerId(id: string): string {
  return id.length === 64 ? id.slice(0, 12) : id;
}

const IMAGE_CACHE = new Map<string, ImageParts>();

/** `registry/repo:tag@sha256:…` → repository, tag, digest (cached: images repeat). */
export function splitImage(ref: string): ImageParts {
  let hit = IMAGE_CACHE.get(ref);
  if (!hit) {
    if (IMAGE_CACHE.size >= 1024) IMAGE_CACHE.clear();
    IMAGE_CACHE.set(ref, (hit = splitImageUncached(ref)));
  }
  return hit;
}

function splitImageUncached(ref: string): ImageParts {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export function image(c: EvalCtx): ImageParts | undefined {
  if (c.image === undefined) {
    const i = c.container?.image;
    if (i === undefined) return undefined;
    c.image = splitImage(i);
  }
  return c.image;
}

export function ips(c: EvalCtx): ParsedIp[] {
  if (c.ips === undefined) {
    const a = cip(c);
    const b = sip(c);
    c.ips = a && b ? [a, b] : a ? [a] : b ? [b] : [];
  }
  return c.ips;
}

export function fileDir(c: EvalCtx): string | undefined {
  if (c.dir === undefined) {
    const n = c.fd?.name;
    if (n === undefined || !isFile(c)) return undefined;
    c.dir = dirname(n);
  }
  return c.dir;
}

export function fileName(c: EvalCtx): string | undefined {
  if (c.file === undefined) {
    const n = c.fd?.name;
    if (n === undefined || !isFile(c)) return undefined;
    c.file = basename(n);
  }
  return c.file;
}

export function flagsText(c: EvalCtx): string | undefined {
  const f = c.fd?.openFlags;
  if (f === undefined) return undefined;
  if (c.flags === undefined) c.flags = openFlagsText(f);
  return c.flags;
}

export function cip(c: EvalCtx): ParsedIp | undefined {
  if (c.cip === undefined) c.cip = c.fd?.cip !== undefined ? (parseIp(c.fd.cip) ?? null) : null;
  return c.cip ?? undefined;
}

export function sip(c: EvalCtx): ParsedIp | undefined {
  if (c.sip === undefined) c.sip = c.fd?.sip !== undefined ? (parseIp(c.fd.sip) ?? null) : null;
  return c.sip ?? undefined;
}

/** For accept the local end is the server; for connect (and the rest) it is the client. */
export const isServerSide = (c: EvalCtx): boolean => c.type === 'accept';

export function fdName(c: EvalCtx): string | undefined {
  const fd = c.fd;
  if (!fd) return undefined;
  if (fd.name !== undefined) return fd.name;
  if (fd.sip !== undefined || fd.cip !== undefined) {
    const wrap = (ip: string | undefined) => (ip && ip.includes(':') ? `[${ip}]` : (ip ?? ''));
    return `${wrap(fd.cip)}:${fd.cport ?? ''}->${wrap(fd.sip)}:${fd.sport ?? ''}`;
  }
  return undefined;
}

export const isFile = (c: EvalCtx): boolean => {
  const t = c.fd?.typechar;
  return t === 'f' || t === 'm' || (t === undefined && c.type === 'open');
};

export const FD_TYPE: Record<string, string> = { f: 'file', '4': 'ipv4', '6': 'ipv6', u: 'unix', m: 'memfd' };

export function openFlags(c: EvalCtx): number | undefined {
  return c.type === 'open' ? c.fd?.openFlags : undefined;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `HH:MM:SS.nnnnnnnnn` (UTC) for a time in ns. */
export function clockText(ns: number): string {
  const ms = Math.floor(ns / 1e6);
  const d = new Date(ms);
  const frac = Math.max(0, Math.floor(ns - Math.floor(ns / 1e9) * 1e9));
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(frac, 9)}`;
}

/** ISO 8601 with nanoseconds (as far as a float of ns allows). */
export function isoTime(ns: number): string {
  const ms = Math.floor(ns / 1e6);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return new Date(0).toISOString();
  const frac = Math.max(0, Math.floor(ns - Math.floor(ns / 1e9) * 1e9));
  return d.toISOString().replace(/\.\d{3}Z$/, `.${pad(frac, 9)}Z`);
}
