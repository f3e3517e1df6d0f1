/**
 * BH-IMG-006: EXPOSEd ports of services that give control beyond the
 * application. Database and cache ports (5432, 3306, 6379, 27017…) are left
 * out on purpose: serving them is what postgres, redis and mongo images are
 * for, and whether they require authentication is run-time configuration the
 * image metadata cannot show, so flagging them would only be noise.
 */
import { findingFor } from '../../core/check.js';
import type { Finding, Severity } from '../../core/types.js';
import { exposedPortCheck } from './checks.js';
import { LIMITS, type ImageCheckContext } from './context.js';

interface SensitivePort {
  from: number;
  to: number;
  protocol: 'tcp' | 'udp' | 'any';
  service: string;
  severity: Severity;
  why: string;
}

export const SENSITIVE_PORTS: readonly SensitivePort[] = [
  { from: 21, to: 21, protocol: 'tcp', service: 'FTP', severity: 'medium', why: 'file transfer with clear-text credentials' },
  { from: 22, to: 22, protocol: 'tcp', service: 'SSH', severity: 'medium', why: 'a remote shell into the container, beside the runtime\'s own exec and its audit' },
  { from: 23, to: 23, protocol: 'tcp', service: 'Telnet', severity: 'high', why: 'a remote shell with clear-text credentials' },
  { from: 111, to: 111, protocol: 'any', service: 'rpcbind', severity: 'medium', why: 'the RPC portmapper: NFS and RPC service discovery, and a DDoS amplifier' },
  { from: 135, to: 135, protocol: 'tcp', service: 'MS RPC', severity: 'medium', why: 'Windows remote procedure calls, used for remote administration and lateral movement' },
  { from: 139, to: 139, protocol: 'tcp', service: 'NetBIOS session', severity: 'medium', why: 'legacy Windows file sharing' },
  { from: 445, to: 445, protocol: 'tcp', service: 'SMB', severity: 'medium', why: 'Windows file sharing, a common lateral-movement and worm vector' },
  { from: 512, to: 512, protocol: 'tcp', service: 'rexec', severity: 'high', why: 'remote command execution with clear-text credentials' },
  { from: 513, to: 513, protocol: 'tcp', service: 'rlogin', severity: 'high', why: 'a remote shell trusting host names' },
  { from: 514, to: 514, protocol: 'tcp', service: 'rsh', severity: 'high', why: 'a remote shell trusting host names (514/udp is syslog and is not flagged)' },
  { from: 2375, to: 2375, protocol: 'tcp', service: 'Docker API (no TLS)', severity: 'critical', why: 'whoever reaches it runs privileged containers, which is root on the host' },
  { from: 2376, to: 2376, protocol: 'tcp', service: 'Docker API (TLS)', severity: 'medium', why: 'control of a Docker daemon, safe only with TLS client-certificate authentication' },
  { from: 3389, to: 3389, protocol: 'any', service: 'RDP', severity: 'medium', why: 'a remote desktop, a frequent brute-force target' },
  { from: 5900, to: 5909, protocol: 'tcp', service: 'VNC', severity: 'medium', why: 'a remote desktop, often with weak or no authentication' },
  { from: 5985, to: 5986, protocol: 'tcp', service: 'WinRM', severity: 'medium', why: 'Windows remote management (PowerShell remoting)' },
];

export interface PortSpec {
  from: number;
  to: number;
  protocol: string;
}

/** `22/tcp`, `22`, `53/udp`, `5900-5905/tcp` → a port range and protocol; undefined when malformed. */
export function parsePortSpec(spec: string): PortSpec | undefined {
  const m = /^\s*(\d{1,5})(?:-(\d{1,5}))?(?:\/([a-zA-Z]{1,8}))?\s*$/.exec(spec.slice(0, 64));
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > 65535 || to > 65535 || to < from) return undefined;
  return { from, to, protocol: (m[3] ?? 'tcp').toLowerCase() };
}

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info', 'unknown'];

export function checkExposedPorts(ctx: ImageCheckContext): Finding[] {
  const ports = ctx.result.image?.config.exposedPorts ?? [];
  const findings: Finding[] = [];
  for (const spec of ports.slice(0, LIMITS.ports)) {
    if (typeof spec !== 'string') continue;
    const port = parsePortSpec(spec);
    if (!port) continue;
    const hits = SENSITIVE_PORTS.filter(
      (s) => s.from <= port.to && port.from <= s.to && (s.protocol === 'any' || s.protocol === port.protocol),
    );
    if (hits.length === 0) continue;
    const worst = hits.reduce((a, b) => (SEVERITY_ORDER.indexOf(b.severity) < SEVERITY_ORDER.indexOf(a.severity) ? b : a));
    const services = [...new Set(hits.map((h) => h.service))].join(', ');
    findings.push(
      findingFor(exposedPortCheck, {}, {
        title: `Image exposes port ${spec.trim()} (${services})`,
        severity: worst.severity,
        evidence: `ExposedPorts has ${spec.trim()}: ${hits.map((h) => `${h.service}, ${h.why}`).join('; ')}`,
      }),
    );
  }
  return findings;
}
