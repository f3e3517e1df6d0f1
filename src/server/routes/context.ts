/** What every route handler can reach. */
import type { JobQueue } from '../jobs/queue.js';
import type { VulnSource } from '../jobs/vulndb.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/index.js';

export interface AppContext {
  store: Store;
  queue: JobQueue;
  vuln: VulnSource;
  metrics: Metrics;
  allowLocalTargets: boolean;
  /** Re-match every stored image now (POST /admin/rescan). */
  rescan?: () => Promise<{ images: number; newFindings: number; scans: string[] }>;
}
