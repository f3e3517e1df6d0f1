/** The dashboard's own SVG charts. Each has a text alternative (aria-label plus a table or legend). */
import type { TrendPoint } from '../api/types.js';
import { countTicks, gaugeArc, linePath, linearScale } from '../lib/scale.js';
import type { SeverityFixability } from '../lib/shape.js';
import type { Bucket, PriorityKey } from '../lib/timeline.js';

const TREND_SERIES = ['critical', 'high', 'medium', 'low'] as const;

export function RiskTrendChart({ points, width = 640, height = 220 }: { points: TrendPoint[]; width?: number; height?: number }) {
  const pad = { l: 40, r: 12, t: 10, b: 28 };
  const sorted = [...points].sort((a, b) => a.date.localeCompare(b.date));
  const max = Math.max(1, ...sorted.flatMap((p) => TREND_SERIES.map((s) => p[s])));
  const ticks = countTicks(max);
  // One day of history sits in the middle (a degenerate domain maps to the centre).
  const x = linearScale([0, sorted.length - 1], [pad.l, width - pad.r]);
  const y = linearScale([0, ticks[ticks.length - 1]!], [height - pad.b, pad.t]);
  const labelEvery = Math.max(1, Math.ceil(sorted.length / 6));
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`Open vulnerabilities per day over ${sorted.length} days, by severity`}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={width - pad.r} y1={y(t)} y2={y(t)} className="grid" />
            <text x={pad.l - 6} y={y(t) + 4} textAnchor="end" className="axis">
              {t}
            </text>
          </g>
        ))}
        {sorted.map((p, i) =>
          i % labelEvery === 0 ? (
            <text key={p.date} x={x(i)} y={height - 8} textAnchor="middle" className="axis">
              {p.date.slice(5)}
            </text>
          ) : null,
        )}
        {TREND_SERIES.map((s) => (
          <g key={s} className={`series-${s}`}>
            <path d={linePath(sorted.map((p, i) => [x(i), y(p[s])]))} className={`line stroke-${s}`} fill="none" />
            {sorted.map((p, i) => (
              <circle key={p.date} cx={x(i)} cy={y(p[s])} r={3} className={`fill-${s}`}>
                <title>{`${p.date}: ${p[s]} ${s}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        {TREND_SERIES.map((s) => (
          <span key={s}>
            <span className={`swatch fill-${s}`} aria-hidden="true" /> {s}
            {sorted.length ? `: ${sorted[sorted.length - 1]![s]} now` : ''}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Per severity: fixable (solid) and not fixable (hatched) stacked horizontally, counts as text. */
export function FixabilityChart({ rows, width = 420 }: { rows: SeverityFixability[]; width?: number }) {
  const rowH = 26;
  const labelW = 80;
  const max = Math.max(1, ...rows.map((r) => r.fixable + r.unfixed));
  const x = linearScale([0, max], [0, width - labelW - 120]);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${rows.length * rowH + 4}`} width={width} height={rows.length * rowH + 4} role="img" aria-label="Vulnerabilities by severity and fixability">
        <defs>
          <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#fff" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#333" strokeWidth="3" />
          </pattern>
        </defs>
        {rows.map((r, i) => (
          <g key={r.severity} transform={`translate(0 ${i * rowH})`}>
            <text x={0} y={17} className="axis">
              {r.severity}
            </text>
            <rect x={labelW} y={4} width={x(r.fixable)} height={18} className={`fill-${r.severity}`} />
            <rect x={labelW + x(r.fixable)} y={4} width={x(r.unfixed)} height={18} fill="url(#hatch)" className="unfixed" />
            <text x={labelW + x(r.fixable + r.unfixed) + 6} y={17} className="axis">
              {r.fixable} fixable, {r.unfixed} not
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        <span>
          <span className="swatch fill-high" aria-hidden="true" /> solid: a fixed version exists
        </span>
        <span>
          <span className="swatch hatch" aria-hidden="true" /> hatched: no fix yet
        </span>
      </figcaption>
    </figure>
  );
}

/** Semicircle gauge for a compliance score (0–100). */
export function ScoreGauge({ score, label }: { score: number; label: string }) {
  const s = Math.round(Math.min(100, Math.max(0, Number.isFinite(score) ? score : 0)));
  const level = s >= 90 ? 'good' : s >= 60 ? 'fair' : 'poor';
  return (
    <svg viewBox="0 0 120 72" width={120} height={72} role="img" aria-label={`${label}: score ${s} of 100 (${level})`}>
      <path d={gaugeArc(60, 62, 48, 1)} className="gauge-track" fill="none" />
      <path d={gaugeArc(60, 62, 48, s / 100)} className={`gauge-${level}`} fill="none" />
      <text x={60} y={58} textAnchor="middle" className="gauge-text">
        {s}%
      </text>
    </svg>
  );
}

/** Pass/fail bar for one control, counts as text beside it. */
export function PassFailBar({ passed, failed, width = 140 }: { passed: number; failed: number; width?: number }) {
  const total = passed + failed;
  const pw = total ? (passed / total) * width : 0;
  return (
    <span className="passfail">
      <svg width={width} height={10} aria-hidden="true">
        <rect width={width} height={10} className="track" />
        <rect width={pw} height={10} className="pass" />
        <rect x={pw} width={width - pw} height={10} className={total ? 'fail' : 'track'} />
      </svg>
      <span>
        {passed} passed, {failed} failed
      </span>
    </span>
  );
}

export const PRIORITY_STACK: PriorityKey[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug', 'other'];

/** Stacked bars of alerts per time bucket, most severe priority at the bottom. */
export function AlertTimeline({ buckets, width = 720, height = 180 }: { buckets: Bucket[]; width?: number; height?: number }) {
  const pad = { l: 36, r: 8, t: 8, b: 24 };
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const ticks = countTicks(max);
  const y = linearScale([0, ticks[ticks.length - 1]!], [height - pad.b, pad.t]);
  const bw = (width - pad.l - pad.r) / Math.max(1, buckets.length);
  const total = buckets.reduce((s, b) => s + b.total, 0);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`${total} runtime alerts over time in ${buckets.length} buckets, stacked by priority`}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={pad.l} x2={width - pad.r} y1={y(t)} y2={y(t)} className="grid" />
          <text x={pad.l - 4} y={y(t) + 4} textAnchor="end" className="axis">
            {t}
          </text>
        </g>
      ))}
      {buckets.map((b, i) => {
        let base = 0;
        const x0 = pad.l + i * bw + 1;
        return (
          <g key={b.start}>
            <title>{`${new Date(b.start).toISOString()}: ${b.total} alerts`}</title>
            {PRIORITY_STACK.map((p) => {
              const n = b.counts[p] ?? 0;
              if (!n) return null;
              const r = <rect key={p} x={x0} width={Math.max(1, bw - 2)} y={y(base + n)} height={y(base) - y(base + n)} className={`prio-${p}`} />;
              base += n;
              return r;
            })}
          </g>
        );
      })}
      {buckets.length > 0 && (
        <>
          <text x={pad.l} y={height - 6} className="axis">
            {new Date(buckets[0]!.start).toISOString().slice(0, 16).replace('T', ' ')}
          </text>
          <text x={width - pad.r} y={height - 6} textAnchor="end" className="axis">
            {new Date(buckets[buckets.length - 1]!.end).toISOString().slice(0, 16).replace('T', ' ')}
          </text>
        </>
      )}
    </svg>
  );
}
