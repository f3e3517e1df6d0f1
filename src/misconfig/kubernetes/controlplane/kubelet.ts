/**
 * Kubelet settings against CIS Kubernetes Benchmark v1.9 section 4.2
 * (BH-K8S-144…157), from a KubeletConfiguration
 * (kubelet.config.k8s.io/v1beta1, usually /var/lib/kubelet/config.yaml)
 * and/or the kubelet's command-line flags (a systemd drop-in,
 * /var/lib/kubelet/kubeadm-flags.env, or a `ps` line).
 *
 * A flag wins over the config file, as in the kubelet. When neither sets a
 * value the default applies, and the defaults differ: with a config file the
 * v1beta1 defaults (authorization Webhook, read-only port 0), with flags
 * only the flag defaults (authorization AlwaysAllow, read-only port 10255).
 */
import { findingFor } from '../../../core/check.js';
import { BulkheadError } from '../../../core/errors.js';
import type { Finding, Location } from '../../../core/types.js';
import { objectsOfText } from '../input/load.js';
import { getIn, locationOf, type FieldPath, type K8sObject } from '../input/object.js';
import { cipherRule, judgeCiphers } from './ciphers.js';
import { parseBool, parseFlags, shellWords, type FlagSet, type FlagValue, type Word } from './flags.js';
import { defineRule, goDurationSeconds, shown, type Rule, type Violation } from './rule.js';

const K = 'kubelet';

export interface KubeletSettings {
  config?: K8sObject;
  flags: FlagSet;
}

interface Value {
  value: unknown;
  flag?: FlagValue;
  configPath?: FieldPath;
  /** Set when neither a flag nor the config decided. */
  defaulted?: true;
}

/** The effective value of one setting. */
function read(s: KubeletSettings, flag: string, configPath: FieldPath, dflt: { config: unknown; flags: unknown }): Value {
  const f = s.flags.last(flag);
  if (f) return { value: f.value ?? 'true', flag: f };
  if (s.config) {
    const v = getIn(s.config.data, configPath);
    if (v !== undefined && v !== null) return { value: v, configPath };
    return { value: dflt.config, configPath, defaulted: true };
  }
  return { value: dflt.flags, defaulted: true };
}

const asBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : typeof v === 'string' ? parseBool(v) : undefined);
const asNum = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

function describe(v: Value, flag: string, configKey: string): string {
  if (v.flag) return shown(v.flag);
  if (v.defaulted) return `${v.configPath ? configKey : `--${flag}`} is not set; the ${K} defaults to ${JSON.stringify(v.value)}`;
  return `${configKey}: ${JSON.stringify(v.value)}`;
}

function violation(v: Value, evidence: string, extra: Partial<Violation> = {}): Violation {
  return { evidence, ...(v.flag ? { flag: v.flag } : {}), ...(v.configPath ? { configPath: v.configPath } : {}), ...extra };
}

function boolSetting(s: KubeletSettings, flag: string, path: FieldPath, want: boolean, dflt: boolean): Violation | undefined {
  const v = read(s, flag, path, { config: dflt, flags: dflt });
  const b = asBool(v.value);
  const key = path.join('.');
  if (b === undefined) return violation(v, `${describe(v, flag, key)} is not a boolean`);
  return b === want ? undefined : violation(v, describe(v, flag, key));
}

function fileSetting(s: KubeletSettings, flag: string, path: FieldPath): Violation | undefined {
  const v = read(s, flag, path, { config: undefined, flags: undefined });
  if (typeof v.value === 'string' && v.value.trim()) return undefined;
  return violation(v, v.flag ? `${shown(v.flag)} is empty` : `neither --${flag} nor ${path.join('.')} is set`);
}

const kubeletRefs = (...extra: string[]) => ['nsa-k8s:authentication-authorization', ...extra];

export const kubeletRules: ReadonlyArray<Rule<KubeletSettings>> = [
  defineRule({
    id: 'BH-K8S-144',
    cis: '4.2.1',
    title: 'Kubelet accepts anonymous requests',
    severity: 'high',
    rationale: 'The kubelet API runs commands in containers and reads their logs. With anonymous auth on, unauthenticated requests reach it as system:anonymous, and with AlwaysAllow authorization they may do anything.',
    remediation: 'Set `authentication.anonymous.enabled: false` in the KubeletConfiguration (or `--anonymous-auth=false`).',
    references: kubeletRefs('kubescape:C-0069'),
    evaluate: (s) => boolSetting(s, 'anonymous-auth', ['authentication', 'anonymous', 'enabled'], false, true),
  }),
  defineRule({
    id: 'BH-K8S-145',
    cis: '4.2.2',
    title: 'Kubelet authorizes every request (AlwaysAllow)',
    severity: 'critical',
    rationale: 'With AlwaysAllow any client that can authenticate (or any client at all, with anonymous auth) may exec into every pod of the node through the kubelet API.',
    remediation: 'Set `authorization.mode: Webhook` (or `--authorization-mode=Webhook`) so the kubelet asks the API server (SubjectAccessReview).',
    references: kubeletRefs(),
    evaluate: (s) => {
      const v = read(s, 'authorization-mode', ['authorization', 'mode'], { config: 'Webhook', flags: 'AlwaysAllow' });
      return v.value === 'AlwaysAllow' ? violation(v, describe(v, 'authorization-mode', 'authorization.mode')) : undefined;
    },
  }),
  defineRule({
    id: 'BH-K8S-146',
    cis: '4.2.3',
    title: 'Kubelet has no client CA for certificate authentication',
    severity: 'high',
    rationale: 'Without a client CA the kubelet cannot verify the API server\'s client certificate; requests then authenticate by token only, or not at all.',
    remediation: 'Set `authentication.x509.clientCAFile` (or `--client-ca-file`) to the cluster CA (kubeadm: /etc/kubernetes/pki/ca.crt).',
    references: kubeletRefs('kubescape:C-0070'),
    evaluate: (s) => fileSetting(s, 'client-ca-file', ['authentication', 'x509', 'clientCAFile']),
  }),
  defineRule({
    id: 'BH-K8S-147',
    cis: '4.2.4',
    title: 'Kubelet serves its read-only port',
    severity: 'medium',
    rationale: 'The read-only port (10255) serves pod specs, environment variables included, and node metrics without any authentication.',
    remediation: 'Set `readOnlyPort: 0` (or `--read-only-port=0`).',
    references: kubeletRefs(),
    evaluate: (s) => {
      const v = read(s, 'read-only-port', ['readOnlyPort'], { config: 0, flags: 10255 });
      const n = asNum(v.value);
      return n === 0 ? undefined : violation(v, describe(v, 'read-only-port', 'readOnlyPort'));
    },
  }),
  defineRule({
    id: 'BH-K8S-148',
    cis: '4.2.5',
    title: 'Kubelet streaming connections never time out',
    severity: 'low',
    rationale: 'An idle timeout of 0 keeps exec, attach and port-forward sessions open forever: forgotten sessions stay usable and connections pile up.',
    remediation: 'Set `streamingConnectionIdleTimeout` to a bounded value (default 4h; e.g. 5m).',
    evaluate: (s) => {
      const v = read(s, 'streaming-connection-idle-timeout', ['streamingConnectionIdleTimeout'], { config: '4h0m0s', flags: '4h0m0s' });
      const secs = typeof v.value === 'string' ? goDurationSeconds(v.value) : asNum(v.value);
      if (secs === undefined) return violation(v, `${describe(v, 'streaming-connection-idle-timeout', 'streamingConnectionIdleTimeout')} is not a duration`);
      return secs === 0 ? violation(v, describe(v, 'streaming-connection-idle-timeout', 'streamingConnectionIdleTimeout')) : undefined;
    },
  }),
  defineRule({
    id: 'BH-K8S-149',
    title: 'Kubelet does not protect kernel defaults',
    severity: 'low',
    rationale: 'With protectKernelDefaults the kubelet refuses to start when kernel tunables differ from what it expects, instead of silently changing them (CIS Kubernetes Benchmark 1.8 recommendation 4.2.6; dropped from v1.9).',
    remediation: 'Set `protectKernelDefaults: true` (or `--protect-kernel-defaults=true`) after setting the kernel parameters the kubelet expects.',
    evaluate: (s) => boolSetting(s, 'protect-kernel-defaults', ['protectKernelDefaults'], true, false),
  }),
  defineRule({
    id: 'BH-K8S-150',
    cis: '4.2.6',
    title: 'Kubelet does not manage its iptables chains',
    severity: 'low',
    rationale: 'When the kubelet manages its iptables utility chains, pod networking rules stay consistent with the kubelet\'s view of the node.',
    remediation: 'Remove `makeIPTablesUtilChains: false` (the default is true).',
    evaluate: (s) => boolSetting(s, 'make-iptables-util-chains', ['makeIPTablesUtilChains'], true, true),
  }),
  defineRule({
    id: 'BH-K8S-151',
    cis: '4.2.7',
    title: 'Kubelet overrides its hostname',
    severity: 'low',
    rationale: 'A hostname that differs from the node\'s name breaks TLS between the API server and the kubelet (the serving certificate names the host) and confuses node identity.',
    remediation: 'Remove `--hostname-override` from the kubelet flags.',
    evaluate: (s) => {
      const f = s.flags.last('hostname-override');
      return f ? { evidence: `${shown(f)} is set`, flag: f } : undefined;
    },
  }),
  defineRule({
    id: 'BH-K8S-152',
    cis: '4.2.8',
    title: 'Kubelet event rate is invalid',
    severity: 'low',
    rationale: 'eventRecordQPS bounds how many events the kubelet records per second; an invalid value breaks event capture, which investigations rely on.',
    remediation: 'Set `eventRecordQPS` to a non-negative number that captures the node\'s events (default 50; 0 means unlimited).',
    evaluate: (s) => {
      const v = read(s, 'event-qps', ['eventRecordQPS'], { config: 50, flags: 50 });
      const n = asNum(v.value);
      return n === undefined || n < 0 ? violation(v, `${describe(v, 'event-qps', 'eventRecordQPS')} is not a non-negative number`) : undefined;
    },
  }),
  defineRule({
    id: 'BH-K8S-153',
    cis: '4.2.9',
    title: 'Kubelet serves a self-signed certificate',
    severity: 'medium',
    rationale: 'Without tlsCertFile (or serving certificate bootstrap) the kubelet generates a self-signed certificate, so the API server cannot verify it is talking to the real kubelet.',
    remediation: 'Set `tlsCertFile` and `tlsPrivateKeyFile`, or `serverTLSBootstrap: true` with RotateKubeletServerCertificate and approve the kubelet serving CSRs.',
    references: kubeletRefs(),
    evaluate: (s) => {
      const bootstrap = read(s, 'rotate-server-certificates', ['serverTLSBootstrap'], { config: false, flags: false });
      if (asBool(bootstrap.value) === true) return undefined;
      const cert = fileSetting(s, 'tls-cert-file', ['tlsCertFile']);
      const key = fileSetting(s, 'tls-private-key-file', ['tlsPrivateKeyFile']);
      return cert ?? key;
    },
  }),
  defineRule({
    id: 'BH-K8S-154',
    cis: '4.2.10',
    title: 'Kubelet client certificate rotation is off',
    severity: 'low',
    rationale: 'Without rotation the kubelet\'s client certificate expires and the node drops out, or long-lived certificates are issued to avoid it.',
    remediation: 'Set `rotateCertificates: true` (or `--rotate-certificates`).',
    evaluate: (s) => boolSetting(s, 'rotate-certificates', ['rotateCertificates'], true, false),
  }),
  defineRule({
    id: 'BH-K8S-155',
    cis: '4.2.11',
    title: 'Kubelet disables serving certificate rotation',
    severity: 'low',
    rationale: 'RotateKubeletServerCertificate lets the kubelet renew its serving certificate from the cluster CA before it expires.',
    remediation: 'Remove `RotateKubeletServerCertificate: false` from featureGates (it is on by default).',
    evaluate: (s) => {
      const g = s.flags.featureGate('RotateKubeletServerCertificate');
      if (g) return g.value === true ? undefined : { evidence: `${g.flag.raw} sets RotateKubeletServerCertificate=${g.value ?? 'unreadable'}`, flag: g.flag };
      const path = ['featureGates', 'RotateKubeletServerCertificate'];
      const v = s.config ? getIn(s.config.data, path) : undefined;
      return v === false ? { evidence: 'featureGates.RotateKubeletServerCertificate: false', configPath: path } : undefined;
    },
  }),
  defineRule({
    id: 'BH-K8S-156',
    cis: '4.2.12',
    title: 'Kubelet allows weak TLS cipher suites',
    severity: 'low',
    rationale: 'CBC-mode, static-RSA and RC4/3DES suites lack forward secrecy or have practical attacks; a client can be made to negotiate them.',
    remediation: 'Set `tlsCipherSuites` to ECDHE suites with AES-GCM or ChaCha20-Poly1305 only.',
    evaluate: (s) => {
      if (s.flags.has('tls-cipher-suites') || !s.config) return cipherRule(s.flags, K);
      const list = getIn(s.config.data, ['tlsCipherSuites']);
      if (!Array.isArray(list)) return { evidence: `tlsCipherSuites is not set; the ${K} accepts Go's default suites, which include CBC and RSA key-exchange suites`, configPath: ['tlsCipherSuites'] };
      const verdict = judgeCiphers(list.filter((x): x is string => typeof x === 'string'));
      if (!verdict.weak.length) return undefined;
      return { evidence: `tlsCipherSuites includes ${verdict.weak.slice(0, 6).join(', ')}${verdict.weak.length > 6 ? ', …' : ''}`, configPath: ['tlsCipherSuites'], ...(verdict.broken ? { severity: 'medium' as const } : {}) };
    },
  }),
  defineRule({
    id: 'BH-K8S-157',
    cis: '4.2.13',
    title: 'Kubelet sets no limit on pod PIDs',
    severity: 'low',
    rationale: 'Without a PID limit one pod can fork-bomb the node, exhausting process ids for every other pod and the kubelet itself.',
    remediation: 'Set `podPidsLimit` (or `--pod-max-pids`) to a bound that fits the workloads (e.g. 4096).',
    evaluate: (s) => {
      const v = read(s, 'pod-max-pids', ['podPidsLimit'], { config: -1, flags: -1 });
      const n = asNum(v.value);
      return n !== undefined && n > 0 ? undefined : violation(v, `${describe(v, 'pod-max-pids', 'podPidsLimit')} (no limit)`);
    },
  }),
];

/** Kubelet flags in a text file: each line's words, env-style assignments (`KUBELET_KUBEADM_ARGS="--a=b"`) unwrapped. */
export function kubeletFlagsFromText(text: string, file?: string): FlagSet {
  return parseFlags(flagWordsOf(text, file));
}

function flagWordsOf(text: string, file?: string): Word[] {
  const words: Word[] = [];
  text
    .slice(0, 4 * 1024 * 1024)
    .split('\n')
    .slice(0, 100_000)
    .forEach((lineText, i) => {
      const pending = shellWords(lineText.replace(/\\\s*$/, ''));
      for (let n = 0; n < pending.length && words.length < 4096; n++) {
        const w = pending[n]!;
        const assign = /^[A-Za-z_][A-Za-z0-9_]*=(.*)$/s.exec(w);
        if (assign && !w.startsWith('-')) {
          pending.splice(n + 1, 0, ...shellWords(assign[1]!));
          continue;
        }
        words.push({ text: w, line: i + 1, ...(file !== undefined ? { file } : {}) });
      }
    });
  return words;
}

export interface KubeletInput {
  /** A KubeletConfiguration object (kind KubeletConfiguration). */
  config?: K8sObject;
  /**
   * Kubelet command-line flags as text, with the file they came from; several
   * files (a systemd drop-in, then kubeadm-flags.env, then /etc/default/kubelet)
   * are read in order, later flags winning as on the command line they make up.
   */
  flags?: FlagsText | readonly FlagsText[];
}

export interface FlagsText {
  text: string;
  file: string;
}

const flagFiles = (input: KubeletInput): readonly FlagsText[] => (input.flags === undefined ? [] : Array.isArray(input.flags) ? input.flags : [input.flags as FlagsText]);

function locate(input: KubeletInput, v: Violation): Location {
  if (v.flag?.line !== undefined && v.flag.file !== undefined) return { path: v.flag.file, startLine: v.flag.line, endLine: v.flag.line };
  if (input.config) return locationOf(input.config, v.configPath ?? []);
  const files = flagFiles(input);
  if (files.length) return { path: files[files.length - 1]!.file };
  return {};
}

/** CIS 4.2.x findings of one kubelet, from its config file and/or its flags. */
export function kubeletFindings(input: KubeletInput): Finding[] {
  const config = input.config && isKubeletConfiguration(input.config) ? input.config : undefined;
  const files = flagFiles(input);
  const flags = parseFlags(files.flatMap((f) => flagWordsOf(f.text, f.file)));
  if (!config && !files.length) return [];
  const settings: KubeletSettings = { flags, ...(config ? { config } : {}) };
  const resolved: KubeletInput = { ...input, ...(config ? { config } : { config: undefined }) };
  const out: Finding[] = [];
  for (const rule of kubeletRules) {
    const v = rule.evaluate(settings);
    if (!v) continue;
    out.push(findingFor(rule.check, locate(resolved, v), { evidence: `${rule.cis ? `CIS ${rule.cis}: ` : ''}${v.evidence}`, ...(v.severity ? { severity: v.severity } : {}) }));
  }
  return out;
}

export function isKubeletConfiguration(obj: K8sObject): boolean {
  return obj.kind === 'KubeletConfiguration' && obj.apiVersion.startsWith('kubelet.config.k8s.io/');
}

/**
 * CIS 4.2.x findings of a KubeletConfiguration alone: an object ([] for any
 * other kind), or the text of a config file (an error when it holds none).
 */
export function kubeletConfigFindings(obj: K8sObject): Finding[];
export function kubeletConfigFindings(text: string, file: string): Finding[];
export function kubeletConfigFindings(input: K8sObject | string, file = '-'): Finding[] {
  if (typeof input !== 'string') return isKubeletConfiguration(input) ? kubeletFindings({ config: input }) : [];
  const config = [...objectsOfText(input, file)].find(isKubeletConfiguration);
  if (!config) {
    throw new BulkheadError('K8S_INPUT_INVALID', `${file} holds no KubeletConfiguration`, {
      where: file,
      hint: 'give the kubelet config file (usually /var/lib/kubelet/config.yaml, kind: KubeletConfiguration, apiVersion: kubelet.config.k8s.io/v1beta1)',
    });
  }
  return kubeletFindings({ config });
}

