/** Scales and ticks for the dashboard's own SVG charts. */

export type Scale = (v: number) => number;

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (!Number.isFinite(d0) || !Number.isFinite(d1) || d0 === d1) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A "nice" step (1, 2 or 5 times a power of ten) close to span/count. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * pow;
}

/** Integer-friendly ticks from 0 to at least max (counts are never fractional). */
export function countTicks(max: number, count = 4): number[] {
  const top = Math.max(0, Math.ceil(max));
  if (top === 0) return [0, 1];
  const step = Math.max(1, niceStep(top, count));
  const ticks: number[] = [];
  for (let t = 0; t < top + step; t += step) ticks.push(t);
  return ticks;
}

/** SVG path through points, `M x y L x y …`, rounded to 0.1 px. */
export function linePath(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${round(x)} ${round(y)}`).join(' ');
}

/** Closed path from a top line down to a baseline (for stacked areas). */
export function areaPath(top: ReadonlyArray<readonly [number, number]>, bottom: ReadonlyArray<readonly [number, number]>): string {
  if (top.length === 0) return '';
  const back = [...bottom].reverse();
  return `${linePath(top)} ${back.map(([x, y]) => `L${round(x)} ${round(y)}`).join(' ')} Z`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Point on a circle for gauges: angle in degrees, 0 = pointing left, 180 = right (upper half). */
export function arcPoint(cx: number, cy: number, r: number, deg: number): [number, number] {
  const rad = Math.PI - (deg * Math.PI) / 180;
  return [cx + r * Math.cos(rad), cy - r * Math.sin(rad)];
}

/** Upper semicircle arc from 0 to fraction (0–1) of 180°. */
export function gaugeArc(cx: number, cy: number, r: number, fraction: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const [x0, y0] = arcPoint(cx, cy, r, 0);
  const [x1, y1] = arcPoint(cx, cy, r, 180 * f);
  return `M${round(x0)} ${round(y0)} A${r} ${r} 0 0 1 ${round(x1)} ${round(y1)}`;
}
