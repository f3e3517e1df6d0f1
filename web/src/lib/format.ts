/** Small text formatters shared by pages. */

export function shortDigest(d: string | null | undefined): string {
  if (!d) return '—';
  const [algo, hex] = d.includes(':') ? d.split(':', 2) : ['', d];
  return `${algo ? `${algo}:` : ''}${(hex ?? '').slice(0, 12)}`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function dateTime(s: string | null | undefined): string {
  if (!s) return '—';
  const t = Date.parse(s);
  if (!Number.isFinite(t)) return s;
  return new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Relative age for "last polled" style columns. */
export function ago(s: string | null | undefined, now: number): string {
  if (!s) return 'never';
  const t = Date.parse(s);
  if (!Number.isFinite(t)) return s;
  const sec = Math.round((now - t) / 1000);
  if (sec < 0) return 'in the future';
  if (sec < 60) return `${sec}s ago`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m ago`;
  if (sec < 86400) return `${Math.floor(sec / 3600)}h ago`;
  return `${Math.floor(sec / 86400)}d ago`;
}

/** Safe file name for a downloaded SBOM. */
export function sbomFileName(digest: string, format: 'cyclonedx' | 'spdx-json'): string {
  const hex = digest.replace(/^[a-z0-9]+:/i, '').replace(/[^a-f0-9]/gi, '').slice(0, 12) || 'image';
  return `sbom-${hex}.${format === 'cyclonedx' ? 'cdx' : 'spdx'}.json`;
}
