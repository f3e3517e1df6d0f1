/**
 * BH-IMG-002/003/004: credentials in Env, in Labels, and in the `created_by`
 * of build steps. Evidence is always redacted (name, and the first two
 * characters of long values); findings are of kind `secret` so renderers
 * and policies treat them like the secret scanner's.
 *
 * History text is read as shell-like words: `NAME=value` words (BuildKit's
 * `RUN |2 TOKEN=… /bin/sh -c`, `ARG`, `ENV`, `export`, `--build-arg`), the
 * legacy `ENV NAME value` form, `--password value` style flags, `-u user:pass`,
 * and credentials inside URLs. A pair already reported from Env or Labels is
 * not reported again from the step that set it.
 */
import { findingFor, type CheckDefinition } from '../../core/check.js';
import type { Finding, LayerRef, Location } from '../../core/types.js';
import { envSecretCheck, historySecretCheck, labelSecretCheck } from './checks.js';
import { historyEntries, instructionOf, layerForHistory, LIMITS, type ImageCheckContext } from './context.js';
import { isSecretValue, isSensitiveName, redact, stripQuotes, urlCredentials } from './secret-values.js';

function secretFinding(check: CheckDefinition, location: Location, title: string, evidence: string): Finding {
  return { ...findingFor(check, location, { title, evidence }), kind: 'secret' };
}

/** `NAME=value` of an Env entry, or undefined when there is no `=`. */
function splitEnv(entry: string): [string, string] | undefined {
  const eq = entry.indexOf('=');
  return eq > 0 ? [entry.slice(0, eq), entry.slice(eq + 1)] : undefined;
}

export function checkEnvSecrets(ctx: ImageCheckContext): Finding[] {
  const env = ctx.result.image?.config.env ?? [];
  const findings: Finding[] = [];
  for (const entry of env.slice(0, LIMITS.envEntries)) {
    if (typeof entry !== 'string') continue;
    const pair = splitEnv(entry.slice(0, LIMITS.textChars));
    if (!pair) continue;
    const [name, value] = pair;
    const shownName = name.slice(0, 128);
    if (isSensitiveName(name) && isSecretValue(value)) {
      findings.push(secretFinding(envSecretCheck, {}, `Secret in environment variable ${shownName}`, `Env ${shownName}=${redact(value)}`));
      continue;
    }
    for (const cred of urlCredentials(value)) {
      findings.push(secretFinding(envSecretCheck, {}, `Credentials in a URL in environment variable ${shownName}`, `Env ${shownName}=${cred.redacted}`));
    }
  }
  return findings;
}

export function checkLabelSecrets(ctx: ImageCheckContext): Finding[] {
  const labels = ctx.result.image?.config.labels;
  if (!labels || typeof labels !== 'object') return [];
  const findings: Finding[] = [];
  for (const [key, value] of Object.entries(labels).slice(0, LIMITS.labels)) {
    if (typeof value !== 'string') continue;
    const shownKey = key.slice(0, 128);
    const text = value.slice(0, LIMITS.textChars);
    if (isSensitiveName(key) && isSecretValue(text)) {
      findings.push(secretFinding(labelSecretCheck, {}, `Secret in label ${shownKey}`, `Label ${shownKey}=${redact(text)}`));
      continue;
    }
    for (const cred of urlCredentials(text)) {
      findings.push(secretFinding(labelSecretCheck, {}, `Credentials in a URL in label ${shownKey}`, `Label ${shownKey}=${cred.redacted}`));
    }
  }
  return findings;
}

interface HistoryHit {
  /** What the evidence shows, already redacted. */
  shown: string;
  /** For de-duplication against Env and Labels: the name and the raw value. */
  name?: string;
  value?: string;
}

/**
 * Shell-like words of a build step: split on whitespace and `;`, `&`, `|`,
 * with simple quotes kept together. Bounded by the caller's text limit.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  const re = /(?:[^\s;&|"']|"(?:[^"\\]|\\.){0,4096}"|'[^']{0,4096}')+/g;
  for (let m = re.exec(text); m && words.length < 4096; m = re.exec(text)) {
    words.push(m[0]);
  }
  return words;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_.-]{0,127})=(.*)$/s;
const SECRET_FLAG = /^--?([A-Za-z][A-Za-z0-9_-]{0,63})(?:=(.*))?$/s;
const USER_FLAGS = new Set(['-u', '--user', '--proxy-user']);

/** Credentials in one history entry's text. */
export function historySecrets(text: string): HistoryHit[] {
  const hits: HistoryHit[] = [];
  const words = shellWords(text);
  const instruction = instructionOf(text);
  for (let i = 0; i < words.length; i++) {
    const word = stripQuotes(words[i]!);
    const assign = ASSIGNMENT.exec(word);
    if (assign) {
      const [, name, value] = assign;
      if (isSensitiveName(name!) && isSecretValue(value!)) hits.push({ shown: `${name}=${redact(value!)}`, name, value: stripQuotes(value!) });
      continue;
    }
    const flag = SECRET_FLAG.exec(word);
    if (flag) {
      if (USER_FLAGS.has(word) && i + 1 < words.length) {
        const cred = stripQuotes(words[i + 1]!);
        const colon = cred.indexOf(':');
        if (colon > 0 && isSecretValue(cred.slice(colon + 1))) {
          hits.push({ shown: `${word} ${cred.slice(0, Math.min(colon, 64))}:${redact(cred.slice(colon + 1))}` });
          i++;
        }
        continue;
      }
      const [, flagName, inline] = flag;
      const inlineAssign = inline === undefined ? undefined : ASSIGNMENT.exec(stripQuotes(inline));
      if (inlineAssign) {
        // `--build-arg=TOKEN=…`, `--env=TOKEN=…`
        const [, name, value] = inlineAssign;
        if (isSensitiveName(name!) && isSecretValue(value!)) hits.push({ shown: `${name}=${redact(value!)}`, name, value: stripQuotes(value!) });
        continue;
      }
      if (!isSensitiveName(flagName!)) continue;
      const value = inline ?? (i + 1 < words.length ? stripQuotes(words[i + 1]!) : undefined);
      if (value !== undefined && !value.startsWith('-') && isSecretValue(value)) {
        hits.push({ shown: `--${flagName} ${redact(value)}` });
        if (inline === undefined) i++;
      }
    }
  }
  // The legacy `ENV NAME value` form (no `=`): one variable, the rest of the line its value.
  if (instruction === 'ENV') {
    const legacy = /\bENV\s+([A-Za-z_][A-Za-z0-9_.-]{0,127})\s+([^=\s][^\n]*)$/.exec(text);
    if (legacy && !legacy[1]!.includes('=') && isSensitiveName(legacy[1]!) && isSecretValue(legacy[2]!)) {
      hits.push({ shown: `${legacy[1]} ${redact(legacy[2]!)}`, name: legacy[1], value: stripQuotes(legacy[2]!) });
    }
  }
  for (const cred of urlCredentials(text)) hits.push({ shown: cred.redacted });
  return hits;
}

/**
 * A layer reference safe to put in a finding: its `createdBy` is dropped when
 * that build step holds a credential (the findings of BH-IMG-004 report it).
 */
export function safeLayer(layer: LayerRef): LayerRef {
  if (typeof layer.createdBy !== 'string' || historySecrets(layer.createdBy.slice(0, LIMITS.textChars)).length === 0) return layer;
  const { createdBy: _dropped, ...rest } = layer;
  return rest;
}

export function checkHistorySecrets(ctx: ImageCheckContext): Finding[] {
  const config = ctx.result.image?.config;
  const known = new Set<string>();
  for (const entry of (config?.env ?? []).slice(0, LIMITS.envEntries)) {
    const pair = typeof entry === 'string' ? splitEnv(entry) : undefined;
    if (pair) known.add(`${pair[0]}=${pair[1]}`);
  }
  for (const [k, v] of Object.entries(config?.labels ?? {}).slice(0, LIMITS.labels)) known.add(`${k}=${v}`);

  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const { index, text } of historyEntries(ctx)) {
    const instruction = instructionOf(text);
    for (const hit of historySecrets(text)) {
      if (hit.name !== undefined && known.has(`${hit.name}=${hit.value}`)) continue;
      const key = `${index} ${hit.shown}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const layer = layerForHistory(ctx, index);
      // The step's own text holds the secret: keep it out of the finding.
      if (layer) delete layer.createdBy;
      findings.push(
        secretFinding(
          historySecretCheck,
          layer ? { layer } : {},
          `Secret in build step history[${index}] (${instruction})`,
          `history[${index}] ${instruction}: ${hit.shown}`,
        ),
      );
    }
  }
  return findings;
}
