/** Shapes of the server's /api/v1 responses, as the dashboard reads them. */
import type { ComplianceSummary, Finding, Package, ScanResult, Severity } from '../../../src/core/types.js';

export type { ComplianceSummary, Finding, Package, ScanResult, Severity };

export interface SeveritySummary {
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
  fixable: number;
  total: number;
}

export interface Overview {
  counts: { images: number; scans: number; critical: number; high: number; fixable: number; runtimeAlerts24h: number };
  riskTrend: TrendPoint[];
  topIssues: Array<{ id: string; title: string; severity: Severity; images: number; fixable: boolean }>;
}

export interface TrendPoint {
  date: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
}

export interface ScanItem {
  id: string;
  kind: string;
  target: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  imageDigest: string | null;
  summary: SeveritySummary | null;
}

export interface ImageItem {
  digest: string;
  references: string[];
  os: string | null;
  lastScanId: string | null;
  lastScannedAt: string | null;
  summary: SeveritySummary | null;
  packages: number;
  signed: boolean | null;
  signature: ImageSignature | null;
}

export interface ImageSignature {
  state: 'verified' | 'invalid' | 'unsigned' | 'unverified';
  signatures: number;
  reason: string;
  keys: string[];
  checkedAt: string;
}

export interface ImageLayer {
  index: number;
  diffID: string;
  digest?: string | null;
  createdBy?: string | null;
  size?: number | null;
}

export interface ImageDetail extends Omit<ImageItem, 'packages'> {
  layers: ImageLayer[];
  packages: Package[];
  vulnerabilities: Finding[];
  history: Array<{ scanId: string; at: string; summary: SeveritySummary | null }>;
}

export type PodRef = { namespace: string; name: string; kind: string };
export type CidrRef = { cidr: string; except?: string[] };
export type Peer = PodRef | CidrRef;
export type PortRange = { protocol: string; port?: number; endPort?: number };

export interface Connection {
  src: Peer;
  dst: Peer;
  conn: 'all' | PortRange[];
}

export interface KubernetesView {
  scanId: string | null;
  createdAt: string | null;
  compliance: ComplianceSummary[];
  findings: Finding[];
  connectivity?: { connections: Connection[] };
}

export interface RuntimeAlert {
  time: string;
  rule: string;
  priority: string;
  source: string;
  output: string;
  outputFields?: Record<string, unknown>;
  tags?: string[];
  container?: { id: string; name?: string; image?: string };
}

export interface RegistryWatch {
  id: string;
  host: string;
  repositories: string[];
  intervalSeconds: number;
  lastPolledAt: string | null;
  lastError: string | null;
}

export interface Page<T> {
  items: T[];
  total?: number;
}

/** One row of GET /findings: a finding of the latest scan of some target, with that scan. */
export type FindingItem = Finding & { scanId: string; target: string };
