/**
 * A control-plane rule: one CIS Kubernetes Benchmark recommendation (v1.9
 * numbering) decided from a component's flags. Each rule is a check (its
 * data) plus `evaluate`, which returns undefined when the setting complies,
 * else what is wrong and which flag says so. An absent flag is judged by the
 * component's documented default, and the evidence says so.
 */
import type { CheckDefinition } from '../../../core/check.js';
import type { Severity } from '../../../core/types.js';
import type { FieldPath } from '../input/object.js';
import type { FlagSet, FlagValue } from './flags.js';

export interface Violation {
  /** Without the `CIS x.y.z: ` prefix, which the caller adds. */
  evidence: string;
  /** The flag that decided; absent when the flag is missing (the finding then points at the command). */
  flag?: FlagValue;
  /** A field of a config file that decided (kubelet configuration). */
  configPath?: FieldPath;
  severity?: Severity;
}

export interface Rule<S> {
  check: CheckDefinition;
  /** CIS Kubernetes Benchmark v1.9 id, or undefined for checks that are not (any more) in it. */
  cis: string | undefined;
  evaluate(settings: S): Violation | undefined;
}

export interface RuleSpec<S> {
  id: string;
  cis?: string;
  title: string;
  severity: Severity;
  rationale: string;
  remediation: string;
  /** Besides the CIS id: NSA/CISA, kubescape, Trivy ids. */
  references?: string[];
  evaluate(settings: S): Violation | undefined;
}

export function defineRule<S>(spec: RuleSpec<S>): Rule<S> {
  const check: CheckDefinition = {
    id: spec.id,
    kind: 'kubernetes',
    title: spec.cis ? `${spec.title} (CIS ${spec.cis})` : spec.title,
    severity: spec.severity,
    rationale: spec.rationale,
    remediation: spec.remediation,
    references: [...(spec.cis ? [`cis-k8s:${spec.cis}`] : []), ...(spec.references ?? [])],
  };
  return { check, cis: spec.cis, evaluate: spec.evaluate };
}

// ---- predicates over flags ----

export const shown = (f: FlagValue): string => f.raw;

/** A boolean flag must be `want`; `dflt` is the component's default when it is absent. */
export function boolMust(f: FlagSet, name: string, want: boolean, dflt: boolean, component: string): Violation | undefined {
  const b = f.bool(name);
  if (!b) return dflt === want ? undefined : { evidence: `--${name} is absent; ${component} defaults to ${dflt}` };
  if (b.value === undefined) return { evidence: `${shown(b.flag)} is not a boolean; ${component} refuses to start or ignores it`, flag: b.flag };
  return b.value === want ? undefined : { evidence: shown(b.flag), flag: b.flag };
}

/** Every one of the flags must be set to a non-empty value. */
export function mustSet(f: FlagSet, ...names: string[]): Violation | undefined {
  const missing = names.filter((n) => !f.last(n)?.value);
  if (!missing.length) return undefined;
  const present = names.map((n) => f.last(n)).find((x) => x !== undefined);
  return {
    evidence: `${missing.map((n) => `--${n}`).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`,
    ...(present ? { flag: present } : {}),
  };
}

export function mustNotSet(f: FlagSet, name: string): Violation | undefined {
  const flag = f.last(name);
  return flag ? { evidence: `${shown(flag)} is set`, flag } : undefined;
}

/** An integer flag must be at least `min`. */
export function minInt(f: FlagSet, name: string, min: number, dflt: number, component: string): Violation | undefined {
  const flag = f.last(name);
  if (!flag) return dflt >= min ? undefined : { evidence: `--${name} is absent; ${component} defaults to ${dflt} (at least ${min} recommended)` };
  const n = Number(flag.value);
  if (!Number.isInteger(n)) return { evidence: `${shown(flag)} is not an integer`, flag };
  return n >= min ? undefined : { evidence: `${shown(flag)} is below ${min}`, flag };
}

/** Loopback addresses (what CIS means by 127.0.0.1). */
export function isLoopback(addr: string): boolean {
  const a = addr.trim().replace(/^\[|\]$/g, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === '::1' || a === 'localhost';
}

/** `--bind-address` must be loopback; these components default to 0.0.0.0 (all interfaces). */
export function loopbackBind(f: FlagSet, component: string): Violation | undefined {
  const flag = f.last('bind-address');
  if (!flag) return { evidence: `--bind-address is absent; ${component} defaults to 0.0.0.0 (all interfaces)` };
  return isLoopback(flag.value ?? '') ? undefined : { evidence: shown(flag), flag };
}

/** Go duration (`300s`, `1m30s`, `4h0m0s`, `0`) in seconds, or undefined. */
export function goDurationSeconds(text: string): number | undefined {
  const t = text.trim();
  if (t === '0') return 0;
  if (!/^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(t)) return undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}
