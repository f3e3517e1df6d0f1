/**
 * Listings: tags and the catalog (paginated with `Link: <…>; rel="next"`,
 * which some registries ignore `n` for), and referrers of a digest through
 * the referrers API or, where the registry has none, the tag schema fallback
 * (`sha256-<hex>` pointing at an index of referrers).
 */
import { z } from 'zod';
import { MediaType } from '../artifact/image/oci-schema.js';
import { BulkheadError } from '../core/errors.js';
import { Scope } from './auth.js';
import { checkRepository, DIGEST, type RegistryClient } from './client.js';
import { protocolError, safeUrl } from './errors.js';
import { nextLink } from './link.js';
import { getManifest } from './manifests.js';
import { header, readBody } from './transport.js';

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface ListOptions {
  /** `n` per page (a hint; registries may ignore it). */
  pageSize?: number;
  /** Stop after this many entries. */
  limit?: number;
}

const MAX_PAGES = 10_000;
const MAX_LIST_PAGE = 16 * 1024 * 1024;

const tagsSchema = z.object({ name: z.string().optional(), tags: z.array(z.string()).nullish() });
const catalogSchema = z.object({ repositories: z.array(z.string()).nullish() });

async function paginate(client: RegistryClient, first: string, key: 'tags' | 'repositories', scopes: readonly string[], what: string, options: ListOptions): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  let target: string | URL = first;
  if (options.pageSize) target += `${first.includes('?') ? '&' : '?'}n=${Math.max(1, Math.floor(options.pageSize))}`;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await client.request({ method: 'GET', target, scopes, expect: [200], what });
    const body = await readBody(res, MAX_LIST_PAGE);
    if (!body) throw new BulkheadError('LIMIT_EXCEEDED', `${what}: a page is larger than ${MAX_LIST_PAGE} bytes`, { where: safeUrl(res.url) });
    let parsed: { tags?: string[] | null; repositories?: string[] | null };
    try {
      const json: unknown = JSON.parse(body.toString('utf8'));
      const result = (key === 'tags' ? tagsSchema : catalogSchema).safeParse(json);
      if (!result.success) throw new Error(result.error.issues[0]?.message ?? 'invalid');
      parsed = result.data;
    } catch (e) {
      throw protocolError(`${what}: the registry's list is malformed (${(e as Error).message})`, res.url);
    }
    for (const item of parsed[key] ?? []) {
      out.push(item);
      if (options.limit !== undefined && out.length >= options.limit) return out;
    }
    const next = nextLink(header(res, 'link'));
    if (!next) return out;
    const url = new URL(next, res.url);
    if (url.origin !== client.baseUrl.origin) throw protocolError(`${what}: the next page is on another server (${url.origin})`, res.url);
    const k = url.pathname + url.search;
    if (seen.has(k)) return out; // a registry pointing back at a page we had
    seen.add(k);
    target = url;
  }
  throw protocolError(`${what}: more than ${MAX_PAGES} pages`, client.baseUrl, 'pass a limit');
}

export function listTags(client: RegistryClient, repository: string, options: ListOptions = {}): Promise<string[]> {
  return paginate(client, `/v2/${checkRepository(repository)}/tags/list`, 'tags', [Scope.pull(repository)], `tags of ${repository}`, options);
}

export function listCatalog(client: RegistryClient, options: ListOptions = {}): Promise<string[]> {
  return paginate(client, '/v2/_catalog', 'repositories', [Scope.catalog], 'catalog', options);
}

const referrerDescriptor = z.object({
  mediaType: z.string(),
  digest: z.string().regex(DIGEST),
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
  artifactType: z.string().optional(),
});
const referrersIndex = z.object({ schemaVersion: z.literal(2), manifests: z.array(referrerDescriptor).max(100_000).nullish() });

function parseReferrers(bytes: Buffer, url: URL | string, what: string): OciDescriptor[] {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw protocolError(`${what}: the referrers index is not JSON`, url);
  }
  const parsed = referrersIndex.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw protocolError(`${what}: the referrers index is malformed: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`, url);
  }
  return (parsed.data.manifests ?? []).map((d) => {
    const out: OciDescriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
    if (d.annotations) out.annotations = d.annotations;
    if (d.artifactType) out.artifactType = d.artifactType;
    return out;
  });
}

/** The fallback tag for referrers of `digest`: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  if (!DIGEST.test(digest)) throw new BulkheadError('USAGE', `"${digest.slice(0, 100)}" is not a digest`, { hint: 'referrers are listed for sha256:<hex> digests' });
  return digest.replace(':', '-');
}

/** Registries known to lack the referrers API, so we go straight to the tag fallback. */
const noReferrersApi = new WeakSet<RegistryClient>();

export async function listReferrers(
  client: RegistryClient,
  repository: string,
  digest: string,
  artifactType?: string,
  /** Read the `sha256-<hex>` fallback tag when the registry has no referrers API (default true). */
  fallback = true,
): Promise<{ referrers: OciDescriptor[]; via: 'api' | 'tag' }> {
  const tag = referrersTag(digest);
  const what = `referrers of ${repository}@${digest}`;
  const filter = (list: OciDescriptor[]) => (artifactType ? list.filter((d) => d.artifactType === artifactType) : list);
  if (!noReferrersApi.has(client)) {
    const query = artifactType ? `?${new URLSearchParams({ artifactType }).toString()}` : '';
    const res = await client.request({
      method: 'GET',
      target: `/v2/${checkRepository(repository)}/referrers/${digest}${query}`,
      scopes: [Scope.pull(repository)],
      expect: [200, 400, 404, 405, 501],
      headers: { Accept: MediaType.ociIndex },
      what,
    });
    const body = await readBody(res, 8 * 1024 * 1024);
    if (res.status === 200) {
      if (!body) throw new BulkheadError('LIMIT_EXCEEDED', `${what}: the index is larger than 8 MiB`, { where: safeUrl(res.url) });
      const list = parseReferrers(body, res.url, what);
      const applied = (header(res, 'oci-filters-applied') ?? '').split(',').map((s) => s.trim());
      return { referrers: applied.includes('artifactType') ? list : filter(list), via: 'api' };
    }
    // 404 without an OCI error body (or 400/405/501): the registry has no referrers API.
    noReferrersApi.add(client);
  }
  if (!fallback) return { referrers: [], via: 'tag' };
  try {
    const index = await getManifest(client, repository, tag, [MediaType.ociIndex]);
    return { referrers: filter(parseReferrers(index.bytes, `${client.registry}/${repository}:${tag}`, what)), via: 'tag' };
  } catch (e) {
    if (e instanceof BulkheadError && e.code === 'REGISTRY_NOT_FOUND') return { referrers: [], via: 'tag' };
    throw e;
  }
}
