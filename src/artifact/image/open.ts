/**
 * From what the user typed to an ImageSource:
 *   oci:<dir>[:tag|@digest]          OCI image layout directory
 *   oci-archive:<file>[:tag]         OCI layout in a tar (plain or gzip'd)
 *   docker-archive:<file>[:repo:tag] `docker save` output (plain or gzip'd)
 *   <path>                           any of the above, detected from its contents
 *   <registry reference>             registry image, through the OCI distribution client (src/registry)
 */
import { stat } from 'node:fs/promises';
import { BulkheadError } from '../../core/errors.js';
import { DockerArchiveSource } from './docker-archive.js';
import { OciImageSource, type ManifestSelector } from './oci.js';
import { OciArchiveStore } from './oci-archive.js';
import { OciLayoutStore } from './oci-layout.js';
import { parseRegistryReference, registryNotAvailable } from './registry.js';
import { openRegistryImage, type RegistryOptions } from '../../registry/index.js';
import type { ImageSource } from './source.js';
import { TarArchive } from './tar-archive.js';

type Transport = 'oci' | 'oci-archive' | 'docker-archive';

/** Split `path:tag` or `path@sha256:…` where the path itself may contain colons. */
async function splitSelector(rest: string): Promise<{ path: string; selector?: string; digest?: string }> {
  const at = /^(.*)@(sha256:[a-f0-9]{64})$/.exec(rest);
  if (at) return { path: at[1]!, digest: at[2]! };
  if (await exists(rest)) return { path: rest };
  const i = rest.indexOf(':');
  if (i > 0) return { path: rest.slice(0, i), selector: rest.slice(i + 1) };
  return { path: rest };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function mustExist(p: string, reference: string): Promise<'file' | 'dir'> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    throw new BulkheadError('TARGET_NOT_FOUND', `${p} does not exist`, {
      where: reference,
      hint: 'check the path; for a registry image name it without a transport prefix',
    });
  }
}

export async function openImage(reference: string, registry: RegistryOptions = {}): Promise<ImageSource> {
  const prefixed = /^(oci|oci-archive|docker-archive):(.+)$/.exec(reference);
  if (prefixed) {
    const transport = prefixed[1] as Transport;
    const { path, selector, digest } = await splitSelector(prefixed[2]!);
    await mustExist(path, reference);
    return openTransport(transport, path, selector, digest, reference);
  }
  if (await exists(reference)) {
    const kind = await mustExist(reference, reference);
    if (kind === 'dir') return openTransport('oci', reference, undefined, undefined, reference);
    const archive = await TarArchive.open(reference);
    if (archive.has('manifest.json')) return new DockerArchiveSource(archive, undefined, reference);
    if (archive.has('index.json')) return new OciImageSource(new OciArchiveStore(archive), undefined, reference);
    throw new BulkheadError('TARGET_UNSUPPORTED', `${reference} is a tar archive but neither a docker-archive nor an OCI archive`, {
      where: reference,
      hint: 'for an unpacked filesystem use `bulkhead rootfs <dir>`',
    });
  }
  if (parseRegistryReference(reference)) return openRegistryImage(reference, registry);
  return registryNotAvailable(reference);
}

async function openTransport(
  transport: Transport,
  path: string,
  selector: string | undefined,
  digest: string | undefined,
  reference: string,
): Promise<ImageSource> {
  const pick: ManifestSelector = digest ? { digest } : selector ? { tag: selector } : undefined;
  switch (transport) {
    case 'oci':
      return new OciImageSource(await OciLayoutStore.open(path), pick, reference);
    case 'oci-archive':
      return new OciImageSource(new OciArchiveStore(await TarArchive.open(path)), pick, reference);
    case 'docker-archive':
      return new DockerArchiveSource(await TarArchive.open(path), selector, reference);
  }
}
