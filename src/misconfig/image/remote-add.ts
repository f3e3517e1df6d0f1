/**
 * BH-IMG-010: `ADD <url>` steps in the history. BuildKit records the
 * instruction as written (`ADD https://… /opt/ # buildkit`), the classic
 * builder as `#(nop) ADD <source> in <dest>`. A step that pins the download
 * with `--checksum=` is reported at low severity: the content is verified.
 */
import { findingFor } from '../../core/check.js';
import type { Finding } from '../../core/types.js';
import { remoteAddCheck } from './checks.js';
import { historyEntries, instructionOf, layerForHistory, type ImageCheckContext } from './context.js';
import { redact } from './secret-values.js';

const REMOTE_SOURCE = /^(https?:\/\/|ftp:\/\/|git@|git:\/\/|ssh:\/\/)/i;

export interface RemoteAdd {
  url: string;
  checksum: boolean;
}

/** The remote sources of an ADD step's text, or none when the step is not an ADD. */
export function remoteAdds(createdBy: string): RemoteAdd[] {
  if (instructionOf(createdBy) !== 'ADD') return [];
  const at = createdBy.search(/\bADD\s/);
  if (at < 0) return [];
  const words = createdBy.slice(at + 4, at + 4 + 8192).split(/\s+/).filter(Boolean);
  const checksum = words.some((w) => w.startsWith('--checksum='));
  const out: RemoteAdd[] = [];
  for (const w of words) {
    if (w.startsWith('--')) continue;
    if (w === 'in' || w === '#') break;
    const url = w.replace(/^["'[]+|["',\]]+$/g, '');
    if (REMOTE_SOURCE.test(url)) out.push({ url, checksum });
    if (out.length >= 32) break;
  }
  return out;
}

/** A URL for evidence: credentials in it masked, length bounded. */
function shownUrl(url: string): string {
  const masked = url.replace(/(:\/\/)([^/@\s]+)@/, (_m, p: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon >= 0 ? `${p}${userinfo.slice(0, colon)}:${redact(userinfo.slice(colon + 1))}@` : `${p}${redact(userinfo)}@`;
  });
  return masked.length > 200 ? `${masked.slice(0, 197)}...` : masked;
}

export function checkRemoteAdd(ctx: ImageCheckContext): Finding[] {
  const findings: Finding[] = [];
  for (const { index, text } of historyEntries(ctx)) {
    for (const add of remoteAdds(text)) {
      const layer = layerForHistory(ctx, index);
      if (layer) delete layer.createdBy;
      const url = shownUrl(add.url);
      findings.push(
        findingFor(remoteAddCheck, layer ? { layer } : {}, {
          title: `ADD of remote URL ${url}${add.checksum ? ' (checksum pinned)' : ''}`,
          severity: add.checksum ? 'low' : remoteAddCheck.severity,
          evidence: `history[${index}] ADD ${url}${add.checksum ? ' with --checksum' : ' without --checksum'}`,
        }),
      );
    }
  }
  return findings;
}
