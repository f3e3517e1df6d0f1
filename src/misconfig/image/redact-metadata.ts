/**
 * Image metadata goes into every report; secrets in it (an Env value or a
 * label with a sensitive name, credentials in a URL) are masked there the same
 * way findings mask them. Run after the checks, which need the real values.
 */
import type { ImageMetadata } from '../../core/types.js';
import { isSecretValue, isSensitiveName, redact, urlCredentials } from './secret-values.js';

function maskUrls(text: string): string {
  let out = text;
  for (const c of urlCredentials(text)) out = out.split(c.original).join(c.redacted);
  return out;
}

function maskAssignment(entry: string): string {
  const i = entry.indexOf('=');
  if (i <= 0) return maskUrls(entry);
  const name = entry.slice(0, i);
  const value = entry.slice(i + 1);
  return isSensitiveName(name) && isSecretValue(value) ? `${name}=${redact(value)}` : `${name}=${maskUrls(value)}`;
}

export function redactImageMetadata(image: ImageMetadata): ImageMetadata {
  const config = { ...image.config };
  if (config.env) config.env = config.env.map(maskAssignment);
  if (config.labels) {
    config.labels = Object.fromEntries(
      Object.entries(config.labels).map(([k, v]) => [k, isSensitiveName(k) && isSecretValue(v) ? redact(v) : maskUrls(v)]),
    );
  }
  // `created_by` of build steps can carry build arguments (`|1 TOKEN=…`) and ENV values.
  const maskStep = (t: string | undefined) => (t === undefined ? t : t.split(/(\s+)/).map((w) => (w.includes('=') ? maskAssignment(w) : w)).join(''));
  const history = image.history.map((h) => (h.createdBy ? { ...h, createdBy: maskStep(h.createdBy) } : h));
  const layers = image.layers.map((l) => (l.createdBy ? { ...l, createdBy: maskStep(l.createdBy) } : l));
  return { ...image, config, history, layers };
}
