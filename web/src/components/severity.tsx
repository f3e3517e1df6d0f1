import type { SeveritySummary } from '../api/types.js';

/** Severity labels always carry text; colour only repeats it. */
export function SeverityBadge({ severity }: { severity: string }) {
  const s = severity.toLowerCase();
  return <span className={`sev sev-${s}`}>{s.toUpperCase()}</span>;
}

const PARTS = ['critical', 'high', 'medium', 'low', 'unknown'] as const;
const LETTER: Record<(typeof PARTS)[number], string> = { critical: 'C', high: 'H', medium: 'M', low: 'L', unknown: 'U' };

/** Horizontal stacked bar of a severity summary with the counts written beside it. */
export function SeverityBar({ summary, width = 160 }: { summary: SeveritySummary | null; width?: number }) {
  if (!summary) return <span className="muted">not scanned</span>;
  const total = PARTS.reduce((s, p) => s + (summary[p] ?? 0), 0);
  const label = PARTS.map((p) => `${summary[p] ?? 0} ${p}`).join(', ');
  let x = 0;
  return (
    <span className="sevbar">
      <svg width={width} height={12} role="img" aria-label={`Findings: ${label}`}>
        <rect x={0} y={0} width={width} height={12} className="track" />
        {total > 0 &&
          PARTS.map((p) => {
            const w = ((summary[p] ?? 0) / total) * width;
            const r = <rect key={p} x={x} y={0} width={w} height={12} className={`fill-${p}`} />;
            x += w;
            return r;
          })}
      </svg>
      <span className="sevcounts" aria-hidden="true">
        {PARTS.map((p) => (
          <span key={p} className={`count-${p}`} title={p}>
            {LETTER[p]}:{summary[p] ?? 0}
          </span>
        ))}
      </span>
    </span>
  );
}
