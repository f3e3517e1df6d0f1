/**
 * PEM: `-----BEGIN <TYPE>-----`, base64 lines, `-----END <TYPE>-----`.
 * A total parser: returns the blocks it can read and says precisely why it
 * cannot read one, never throws on odd input and never backtracks badly.
 */
import { decodeBase64Strict } from './encoding.js';

export interface PemBlock {
  type: string;
  der: Buffer;
  /** 1-based line of the BEGIN marker. */
  line: number;
}

export type PemParse = { ok: true; blocks: PemBlock[] } | { ok: false; reason: string; line: number };

/** Key and certificate files are small; anything bigger is not one. */
export const MAX_PEM_BYTES = 1024 * 1024;

const BEGIN = /^-----BEGIN ([A-Z0-9 ]{1,64})-----$/;
const END = /^-----END ([A-Z0-9 ]{1,64})-----$/;

export function parsePem(text: string): PemParse {
  if (text.length > MAX_PEM_BYTES) return { ok: false, reason: `larger than ${MAX_PEM_BYTES} bytes`, line: 1 };
  const lines = text.split(/\r?\n/);
  const blocks: PemBlock[] = [];
  let open: { type: string; line: number; body: string[] } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!open) {
      const begin = BEGIN.exec(line);
      if (begin) open = { type: begin[1]!, line: i + 1, body: [] };
      continue;
    }
    const end = END.exec(line);
    if (end) {
      if (end[1] !== open.type) return { ok: false, reason: `END ${end[1]} does not close BEGIN ${open.type}`, line: i + 1 };
      const der = decodeBase64Strict(open.body.join(''));
      if (!der || der.length === 0) return { ok: false, reason: `the body of ${open.type} is not valid base64`, line: open.line };
      blocks.push({ type: open.type, der, line: open.line });
      open = undefined;
      continue;
    }
    if (line.includes(':')) return { ok: false, reason: 'PEM headers (encrypted legacy PEM) are not supported', line: i + 1 };
    if (line !== '') open.body.push(line);
  }
  if (open) return { ok: false, reason: `BEGIN ${open.type} has no END line`, line: open.line };
  if (blocks.length === 0) return { ok: false, reason: 'no PEM block (-----BEGIN …-----) found', line: 1 };
  return { ok: true, blocks };
}

/** PEM text with 64-character lines, as Go's encoding/pem writes it. */
export function encodePem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
