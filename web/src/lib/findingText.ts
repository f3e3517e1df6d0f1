/**
 * Text for a finding row and its expanded details. Findings come from scanned
 * artifacts, so every field is treated as possibly missing or odd.
 */
import type { Finding } from '../api/types.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `name@installed → fixed`, `name@installed (no fix)`, or '—' when no package is involved. */
export function packageText(f: Pick<Finding, 'package' | 'installedVersion' | 'fixedVersion'>): string {
  const name = str(f.package?.name);
  if (!name) return '—';
  const version = str(f.installedVersion) ?? str(f.package?.version);
  const fixed = str(f.fixedVersion);
  return `${name}${version ? `@${version}` : ''}${fixed ? ` → ${fixed}` : ' (no fix)'}`;
}

/** `path:12-14 (layer 3)` or `Deployment shop/web`; '—' when nothing is known. */
export function locationText(f: Pick<Finding, 'location'>): string {
  const loc = f.location ?? {};
  const parts: string[] = [];
  const obj = loc.object;
  if (obj && str(obj.kind) && str(obj.name)) parts.push(`${obj.kind} ${str(obj.namespace) ? `${obj.namespace}/` : ''}${obj.name}`);
  const p = str(loc.path);
  if (p) {
    const start = typeof loc.startLine === 'number' ? loc.startLine : undefined;
    const end = typeof loc.endLine === 'number' && loc.endLine !== start ? loc.endLine : undefined;
    parts.push(`${p}${start !== undefined ? `:${start}${end !== undefined ? `-${end}` : ''}` : ''}`);
  }
  if (loc.layer && typeof loc.layer.index === 'number') parts.push(`layer ${loc.layer.index}`);
  return parts.length ? parts.join(' · ') : '—';
}

/** An http(s) URL safe to put in href (no javascript:, data: or relative links from scanned data). */
export function safeHref(ref: unknown): string | undefined {
  if (typeof ref !== 'string' || ref.length > 2048) return undefined;
  try {
    const u = new URL(ref);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
