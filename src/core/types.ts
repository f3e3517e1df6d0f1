/**
 * The one data model every scanner shares: packages, findings, image metadata,
 * and the ScanResult that renderers turn into text.
 */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info' | 'unknown';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info', 'unknown'];

export type FindingKind = 'vulnerability' | 'misconfiguration' | 'secret' | 'license' | 'runtime' | 'policy';
export type FindingStatus = 'affected' | 'fixed' | 'unfixed' | 'will-not-fix' | 'not-affected' | 'end-of-life';

/** The layer of an image a thing came from. */
export interface LayerRef {
  /** 0-based position in the image's layer list. */
  index: number;
  /** sha256 of the uncompressed layer (the config's rootfs.diff_ids entry). */
  diffID: string;
  /** Digest of the blob as stored (compressed), when known. */
  digest?: string;
  /** The `created_by` of the history entry that made this layer. */
  createdBy?: string;
  /** Index of that entry in the config's history. */
  historyIndex?: number;
}

export interface K8sObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Location {
  /** Path inside the artifact (absolute, `/`-separated, for images and rootfs; relative for fs). */
  path?: string;
  startLine?: number;
  endLine?: number;
  layer?: LayerRef;
  object?: K8sObjectRef;
}

/** Package types follow purl types where one exists. */
export type PackageType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'golang'
  | 'maven'
  | 'cargo'
  | 'gem'
  | 'composer'
  | 'nuget';

export const OS_PACKAGE_TYPES: ReadonlySet<PackageType> = new Set(['deb', 'apk', 'rpm']);

export interface Package {
  /** Stable within one result: `type:name@version` plus the first location. */
  id: string;
  type: PackageType;
  name: string;
  version: string;
  /** Maven group id, npm scope is part of `name` (`@scope/x`). */
  namespace?: string;
  purl: string;
  /** Source package (deb `Source:`, apk origin, rpm source rpm name). */
  sourceName?: string;
  sourceVersion?: string;
  epoch?: number;
  release?: string;
  arch?: string;
  licenses?: string[];
  /** Id of the analyzer that found it. */
  foundBy: string;
  /** Files that declare the package (status db, lock file, METADATA, binary). */
  locations: string[];
  /** Layer that added the package (images only). */
  layer?: LayerRef;
  /** For language packages installed by an OS package: that package. */
  ownedBy?: { type: PackageType; name: string };
  /** Files an OS package installed (dpkg info/*.list, rpm file lists, apk). */
  files?: string[];
  /** Ids of packages this one depends on, where the metadata says. */
  dependsOn?: string[];
  /** Declared only as a dependency in a lock file, not a direct requirement. */
  indirect?: boolean;
  /** A development-only dependency (lock files that mark them). */
  dev?: boolean;
  /** Extra facts an analyzer wants to keep (e.g. `go.version`, `main` module). */
  properties?: Record<string, string>;
}

export type PackageRef = Pick<Package, 'id' | 'type' | 'name' | 'version' | 'purl' | 'sourceName' | 'sourceVersion' | 'layer'>;

export interface OSInfo {
  /** Lower-case distribution id (`debian`, `ubuntu`, `alpine`, `rhel`, `almalinux`, …). */
  family: string;
  /** Version as the distribution writes it (`12.15`, `3.20.3`, `9.4`). */
  version: string;
  name?: string;
  prettyName?: string;
  codename?: string;
  /** True when the image has packages but no os-release (distroless). */
  distroless?: boolean;
  /** File the facts came from. */
  source: string;
}

export interface Suppression {
  kind: 'ignore' | 'vex' | 'policy' | 'inline';
  source: string;
  reason: string;
}

export interface Finding {
  kind: FindingKind;
  id: string;
  title: string;
  severity: Severity;
  status?: FindingStatus;
  location: Location;
  package?: PackageRef;
  installedVersion?: string;
  fixedVersion?: string;
  references: string[];
  /** Other ids of the same vulnerability (GHSA, DSA, DEBIAN-CVE, GO-…). */
  aliases?: string[];
  /** Where the severity came from: a CVSS vector and score, the advisory's own rating, or the distro's urgency, with the record. */
  severitySource?: string;
  remediation?: string;
  /** Redacted for secrets. */
  evidence?: string;
  suppressedBy?: Suppression;
}

export interface ImageConfigSummary {
  user?: string;
  env?: string[];
  exposedPorts?: string[];
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  labels?: Record<string, string>;
  healthcheck?: { test?: string[]; interval?: number; timeout?: number; retries?: number };
  stopSignal?: string;
  volumes?: string[];
}

export interface HistoryEntry {
  created?: string;
  createdBy?: string;
  comment?: string;
  emptyLayer: boolean;
}

export interface ImageLayerInfo extends LayerRef {
  mediaType?: string;
  size?: number;
}

export interface ImageMetadata {
  /** What the user named. */
  reference: string;
  /** Digest of the single-platform manifest, when the source has one. */
  manifestDigest?: string;
  /** Digest of the index the manifest was chosen from, when there was one. */
  indexDigest?: string;
  configDigest: string;
  os: string;
  architecture: string;
  variant?: string;
  created?: string;
  config: ImageConfigSummary;
  history: HistoryEntry[];
  layers: ImageLayerInfo[];
  repoTags?: string[];
}

/** Facts about files that later checks need (setuid/setgid binaries, world-writable files). */
export interface NotableFile {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  reasons: Array<'setuid' | 'setgid' | 'world-writable'>;
  layer?: LayerRef;
}

export type TargetKind = 'image' | 'fs' | 'rootfs' | 'sbom' | 'dockerfile' | 'kubernetes' | 'container-config';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
  where?: string;
}

export const SCAN_RESULT_SCHEMA_VERSION = 1;

/** Pass/fail per control of one framework (PSS baseline/restricted, CIS Kubernetes, NSA/CISA). */
export interface ComplianceSummary {
  framework: string;
  title: string;
  /** Objects passing over objects evaluated, summed over controls: 0–100. */
  score: number;
  controlsPassed: number;
  controlsFailed: number;
  controls: Array<{ control: string; checks: string[]; evaluated: number; failed: number; passed: number }>;
}

/** What the API server would do with a workload in a namespace labelled for Pod Security admission. */
export interface AdmissionSummary {
  object: K8sObjectRef;
  appliesTo: 'pod' | 'pods-of-workload';
  level: string;
  enforce: 'allowed' | 'rejected';
  enforceMessage?: string;
  warn: string[];
  audit: string[];
  exempt?: string;
}

/** Facts of a Kubernetes scan beside its findings. */
export interface KubernetesSummary {
  objects: number;
  /** Objects per kind. */
  kinds: Record<string, number>;
  /** The cluster's Kubernetes version, where it could be told, and its support status. */
  version?: { version: string; source: string; status: string; notes: string[] };
  /** Pod Security admission verdicts for workloads in labelled namespaces. */
  admission: AdmissionSummary[];
  /** Allowed connectivity from the NetworkPolicy analysis (docs/kubernetes.md describes the shape). */
  connectivity?: { connections: unknown[] };
}

/** Everything one scan learned. Renderers are pure functions of this. */
export interface ScanResult {
  schemaVersion: typeof SCAN_RESULT_SCHEMA_VERSION;
  tool: { name: 'bulkhead'; version: string };
  createdAt: string;
  target: { kind: TargetKind; name: string };
  image?: ImageMetadata;
  os?: OSInfo;
  packages: Package[];
  notableFiles?: NotableFile[];
  findings: Finding[];
  notices: Notice[];
  scanners: string[];
  /** Kubernetes scans: compliance per framework. */
  compliance?: ComplianceSummary[];
  /** Kubernetes scans: object counts, cluster version, admission verdicts, connectivity. */
  kubernetes?: KubernetesSummary;
  stats: {
    layersRead: number;
    layersFromCache: number;
    filesAnalyzed: number;
    bytesRead: number;
    durationMs: number;
  };
}
