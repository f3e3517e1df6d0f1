/**
 * Registry watch: each watched registry is polled on its interval; tags are
 * listed and resolved to manifest digests (src/registry), and a digest not
 * seen before for a tag queues a scan of `host/repo:tag@digest`, unless that
 * digest was scanned before: then the image only gains the new reference.
 */
import { RegistryClient, listCatalog, repositoryStore, type ArtifactStore, type RegistryOptions } from '../../registry/index.js';
import type { JobQueue } from '../jobs/queue.js';
import type { RegistryWatch, Store } from '../store/index.js';

export interface WatchDeps {
  store: Store;
  queue: JobQueue;
  registry?: RegistryOptions;
  /** Overridable for tests: the store of one repository. */
  openRepository?: (reference: string, options: RegistryOptions) => ArtifactStore;
  log?: (msg: string, data?: Record<string, unknown>) => void;
}

export function globToRegExp(glob: string): RegExp {
  const esc = glob
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
    .join('.*');
  return new RegExp(`^${esc}$`);
}

/** Polls one registry: returns the scan ids queued. */
export async function pollRegistry(deps: WatchDeps, reg: RegistryWatch): Promise<string[]> {
  const creds = await deps.store.admin.registryCredentials(reg.id);
  const options: RegistryOptions = { ...deps.registry, ...(creds ? { username: creds.username, password: creds.password } : {}) };
  const open = deps.openRepository ?? repositoryStore;
  const repos = new Set<string>();
  const globs = reg.repositories.filter((r) => /[*?]/.test(r));
  for (const r of reg.repositories) if (!/[*?]/.test(r)) repos.add(r);
  if (globs.length) {
    const all = await listCatalog(new RegistryClient(reg.host, options));
    for (const name of all) if (globs.some((g) => globToRegExp(g).test(name))) repos.add(name);
  }
  const queued: string[] = [];
  for (const repo of repos) {
    const store = open(`${reg.host}/${repo}`, options);
    for (const tag of await store.listTags()) {
      const m = await store.getManifest(tag);
      if (!m) continue;
      if (await deps.store.admin.seeTag(reg.id, repo, tag, m.digest)) {
        // A digest already scanned (pushed under another tag or repository) only gains the reference; rescans keep it current.
        if (await deps.store.scans.addImageRef(m.digest, `${reg.host}/${repo}:${tag}`)) continue;
        const scan = await deps.store.scans.createScan({ kind: 'image', target: `${reg.host}/${repo}:${tag}@${m.digest}` });
        await deps.queue.enqueue(scan.id);
        queued.push(scan.id);
      }
    }
  }
  await deps.store.admin.markPolled(reg.id);
  return queued;
}

/** Polls every registry whose interval has passed. */
export async function pollDue(deps: WatchDeps, now = Date.now()): Promise<void> {
  for (const reg of await deps.store.admin.listRegistries()) {
    const last = reg.lastPolledAt ? Date.parse(reg.lastPolledAt) : 0;
    if (now - last < reg.intervalSeconds * 1000) continue;
    try {
      await pollRegistry(deps, reg);
    } catch (err) {
      await deps.store.admin.markPolled(reg.id).catch(() => undefined);
      deps.log?.('registry poll failed', { host: reg.host, error: (err as Error).message });
    }
  }
}
