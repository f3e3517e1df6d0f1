/**
 * Upstream Kubernetes minor releases: release date, end of life and the
 * latest patch known when this table was written. Data, kept by hand:
 * update it with each Kubernetes release (kubernetes.io/releases).
 *
 * Upstream supports a minor for about 14 months (12 months of standard
 * support plus 2 of maintenance), ending on the 28th of the month (27th for
 * 1.34). Provider builds (EKS, GKE, AKS, OpenShift…) follow their own,
 * often longer, windows.
 *
 * `estimated` marks dates taken from the published release schedule rather
 * than from a release that had happened when the table was written;
 * `latestPatch` is absent where no patch release was known yet, and is the
 * final patch where `final` is set.
 */

/** When the patch numbers below were last checked. */
export const RELEASES_AS_OF = '2025-06-17';

export interface MinorRelease {
  /** `1.29` */
  minor: string;
  /** ISO date of the x.y.0 release. */
  released: string;
  /** ISO date upstream support ends (the last day of maintenance). */
  endOfLife: string;
  /** Highest patch known as of RELEASES_AS_OF. */
  latestPatch?: number;
  /** latestPatch is the last patch this minor will get. */
  final?: boolean;
  /** Dates from the release schedule, not from a past release. */
  estimated?: boolean;
}

export const MINOR_RELEASES: readonly MinorRelease[] = [
  { minor: '1.19', released: '2020-08-26', endOfLife: '2021-10-28', latestPatch: 16, final: true },
  { minor: '1.20', released: '2020-12-08', endOfLife: '2022-02-28', latestPatch: 15, final: true },
  { minor: '1.21', released: '2021-04-08', endOfLife: '2022-06-28', latestPatch: 14, final: true },
  { minor: '1.22', released: '2021-08-04', endOfLife: '2022-10-28', latestPatch: 17, final: true },
  { minor: '1.23', released: '2021-12-07', endOfLife: '2023-02-28', latestPatch: 17, final: true },
  { minor: '1.24', released: '2022-05-03', endOfLife: '2023-07-28', latestPatch: 17, final: true },
  { minor: '1.25', released: '2022-08-23', endOfLife: '2023-10-28', latestPatch: 16, final: true },
  { minor: '1.26', released: '2022-12-09', endOfLife: '2024-02-28', latestPatch: 15, final: true },
  { minor: '1.27', released: '2023-04-11', endOfLife: '2024-06-28', latestPatch: 16, final: true },
  { minor: '1.28', released: '2023-08-15', endOfLife: '2024-10-28', latestPatch: 15, final: true },
  { minor: '1.29', released: '2023-12-13', endOfLife: '2025-02-28', latestPatch: 15, final: true },
  { minor: '1.30', released: '2024-04-17', endOfLife: '2025-06-28', latestPatch: 14, final: true },
  { minor: '1.31', released: '2024-08-13', endOfLife: '2025-10-28', latestPatch: 10 },
  { minor: '1.32', released: '2024-12-11', endOfLife: '2026-02-28', latestPatch: 6 },
  { minor: '1.33', released: '2025-04-23', endOfLife: '2026-06-28', latestPatch: 2 },
  { minor: '1.34', released: '2025-08-27', endOfLife: '2026-10-27', estimated: true },
  { minor: '1.35', released: '2025-12-17', endOfLife: '2027-02-28', estimated: true },
];

export function releaseOf(minor: string): MinorRelease | undefined {
  return MINOR_RELEASES.find((r) => r.minor === minor);
}
