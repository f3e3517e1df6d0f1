/**
 * Compliance summary per framework: which controls were evaluated, how many
 * objects passed and failed each, and a score. Controls come from the
 * `references` of the checks that ran (`pss:baseline`, `pss:restricted`,
 * `cis-k8s:<id>`, `nsa-k8s:<topic>`), so a framework is exactly as complete as
 * the checks that implement it, never a hand-kept list that drifts.
 */
import type { CheckDefinition } from '../../core/check.js';
import type { Finding } from '../../core/types.js';

export const FRAMEWORKS = ['pss-baseline', 'pss-restricted', 'cis-k8s', 'nsa-k8s'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export const FRAMEWORK_TITLES: Record<Framework, string> = {
  'pss-baseline': 'Pod Security Standards: baseline',
  'pss-restricted': 'Pod Security Standards: restricted',
  'cis-k8s': 'CIS Kubernetes Benchmark',
  'nsa-k8s': 'NSA/CISA Kubernetes Hardening Guide',
};

export interface ControlResult {
  /** `privileged` (PSS check id), `5.2.2` (CIS id), `pod-security` (NSA/CISA topic). */
  control: string;
  /** Bulkhead checks that implement it. */
  checks: string[];
  /** Objects the checks were applied to. */
  evaluated: number;
  /** Objects with at least one unsuppressed finding of those checks. */
  failed: number;
  passed: number;
}

export interface ComplianceReport {
  framework: Framework;
  title: string;
  controls: ControlResult[];
  /** Objects passing, over objects evaluated, summed over controls: 0–100, one decimal. */
  score: number;
  controlsPassed: number;
  controlsFailed: number;
}

/** Which controls of `framework` a check implements. */
export function controlsOf(check: CheckDefinition, framework: Framework): string[] {
  const refs = check.references;
  switch (framework) {
    case 'pss-baseline':
      return refs.includes('pss:baseline') ? [pssControl(check.id)] : [];
    case 'pss-restricted':
      return refs.includes('pss:baseline') || refs.includes('pss:restricted') ? [pssControl(check.id)] : [];
    case 'cis-k8s':
      return refs.filter((r) => r.startsWith('cis-k8s:')).map((r) => r.slice('cis-k8s:'.length));
    case 'nsa-k8s':
      return refs.filter((r) => r.startsWith('nsa-k8s:')).map((r) => r.slice('nsa-k8s:'.length));
  }
}

const pssControl = (id: string) => (id.startsWith('PSS:') ? id.slice(4) : id);

export function parseFramework(text: string): Framework {
  const f = FRAMEWORKS.find((x) => x === text.toLowerCase());
  if (!f) throw new Error(`unknown framework "${text}"; use one of ${FRAMEWORKS.join(', ')}`);
  return f;
}

const objectKey = (f: Finding) => {
  const o = f.location.object;
  return o ? `${o.kind}/${o.namespace ?? ''}/${o.name}` : `${f.location.path ?? ''}:${f.location.startLine ?? 0}`;
};

/**
 * @param ran the checks that ran, each with the number of objects it was applied to
 */
export function complianceReport(framework: Framework, ran: ReadonlyArray<{ check: CheckDefinition; evaluated: number }>, findings: readonly Finding[]): ComplianceReport {
  const failing = new Map<string, Set<string>>();
  for (const f of findings) {
    if (f.suppressedBy) continue;
    let set = failing.get(f.id);
    if (!set) failing.set(f.id, (set = new Set()));
    set.add(objectKey(f));
  }
  const controls = new Map<string, { checks: string[]; evaluated: number; failedObjects: Set<string> }>();
  for (const { check, evaluated } of ran) {
    for (const control of controlsOf(check, framework)) {
      let c = controls.get(control);
      if (!c) controls.set(control, (c = { checks: [], evaluated: 0, failedObjects: new Set() }));
      c.checks.push(check.id);
      c.evaluated = Math.max(c.evaluated, evaluated);
      for (const o of failing.get(check.id) ?? []) c.failedObjects.add(o);
    }
  }
  const out: ControlResult[] = [...controls]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([control, c]) => {
      const evaluated = Math.max(c.evaluated, c.failedObjects.size);
      return { control, checks: c.checks.sort(), evaluated, failed: c.failedObjects.size, passed: evaluated - c.failedObjects.size };
    });
  const evaluated = out.reduce((n, c) => n + c.evaluated, 0);
  const passed = out.reduce((n, c) => n + c.passed, 0);
  return {
    framework,
    title: FRAMEWORK_TITLES[framework],
    controls: out,
    score: evaluated ? Math.round((1000 * passed) / evaluated) / 10 : 100,
    controlsPassed: out.filter((c) => c.failed === 0).length,
    controlsFailed: out.filter((c) => c.failed > 0).length,
  };
}
