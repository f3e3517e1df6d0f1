/** Targets that name something on the server's own disk or daemon rather than a registry. */
import { existsSync } from 'node:fs';

export function isLocalTarget(target: string): boolean {
  if (/^(oci|oci-archive|docker-archive|docker|podman|dir|file):/i.test(target)) return true;
  if (/^[./~\\]/.test(target) || target.includes('..')) return true;
  if (/\.(tar|tgz|tar\.gz)$/i.test(target)) return true;
  return existsSync(target);
}
