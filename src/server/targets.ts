/** Targets that name something on the server's own disk or daemon rather than a registry. */
import { existsSync } from 'node:fs';
import { parseRegistryReference } from '../artifact/image/registry.js';
import { parseImageReference, type ImageReference } from '../sign/reference.js';

export function isLocalTarget(target: string): boolean {
  if (/^(oci|oci-archive|docker-archive|docker|podman|dir|file):/i.test(target)) return true;
  if (/^[./~\\]/.test(target) || target.includes('..')) return true;
  if (/\.(tar|tgz|tar\.gz)$/i.test(target)) return true;
  return existsSync(target);
}

/** The registry image a target names (repository with host, tag, digest), or undefined for local targets and non-references. */
export function registryTarget(target: string): ImageReference | undefined {
  return isLocalTarget(target) || !parseRegistryReference(target) ? undefined : parseImageReference(target);
}
