/**
 * docker-archive (`docker save` output, plain or gzip'd): manifest.json names
 * the config file and the layer tars. Layers have no stored digest in the old
 * format, so the diffID (checked while streaming) is what verifies them; the
 * config is verified against the image id its file is named after.
 */
import type { Readable } from 'node:stream';
import { BulkheadError } from '../../core/errors.js';
import { buildImage } from './metadata.js';
import { MAX_DOCUMENT_BYTES } from './oci.js';
import { configSchema, dockerArchiveManifestSchema, parseDocument } from './oci-schema.js';
import { sha256Hex, type ImageSource, type LayerBlob, type LayerVisitor, type Platform, type ResolvedImage } from './source.js';
import type { TarArchive } from './tar-archive.js';

export class DockerArchiveSource implements ImageSource {
  readonly description: string;
  private layerMembers = new Map<number, string>();

  /** `selector` picks an image by RepoTag or index when the archive holds several. */
  constructor(
    private readonly archive: TarArchive,
    private readonly selector: string | undefined,
    private readonly reference: string,
  ) {
    this.description = `docker archive ${archive.file}`;
  }

  async resolve(platform: Platform): Promise<ResolvedImage> {
    const where = `${this.archive.file}: manifest.json`;
    if (!this.archive.has('manifest.json')) {
      throw new BulkheadError('TARGET_UNSUPPORTED', 'the archive holds no manifest.json, so it is not a docker-archive', {
        where: this.archive.file,
        hint: 'for OCI archives use oci-archive:<file>',
      });
    }
    const entries = parseDocument(dockerArchiveManifestSchema, await this.archive.read('manifest.json', MAX_DOCUMENT_BYTES), 'manifest.json', where);
    const entry = this.pick(entries, where);
    const configBytes = await this.archive.read(entry.Config, MAX_DOCUMENT_BYTES);
    const configWhere = `${this.archive.file}: ${entry.Config}`;
    const configDigest = `sha256:${sha256Hex(configBytes)}`;
    // The config's file name is its digest (`<hex>.json` or `blobs/sha256/<hex>`); check it when it says so.
    const named = /([a-f0-9]{64})(?:\.json)?$/.exec(entry.Config)?.[1];
    if (named && `sha256:${named}` !== configDigest) {
      throw new BulkheadError('DIGEST_MISMATCH', `image config ${entry.Config} does not match its name (content is ${configDigest})`, {
        where: configWhere,
        hint: 'the archive is corrupt or was tampered with; export it again',
      });
    }
    const config = parseDocument(configSchema, configBytes, 'image config', configWhere, 'CONFIG_INVALID');
    if (config.os && config.architecture && (config.os !== platform.os || config.architecture !== platform.architecture)) {
      // A docker-archive holds one platform; say which instead of silently scanning another.
      if (platform.architecture !== 'amd64' || platform.os !== 'linux') {
        throw new BulkheadError('PLATFORM_NOT_FOUND', `the archive holds a ${config.os}/${config.architecture} image, not ${platform.os}/${platform.architecture}`, {
          where: this.archive.file,
        });
      }
    }
    entry.Layers.forEach((name, i) => this.layerMembers.set(i, name));
    const layers = entry.Layers.map((name) => {
      const source = entry.LayerSources ? Object.values(entry.LayerSources) : [];
      const hex = /([a-f0-9]{64})/.exec(name)?.[1];
      const d = source.find((s) => hex && s.digest.endsWith(hex));
      return d ? { digest: d.digest, mediaType: d.mediaType, size: d.size } : {};
    });
    return buildImage({
      reference: this.reference,
      config,
      configDigest,
      layers,
      repoTags: entry.RepoTags ?? undefined,
      where,
    });
  }

  async streamLayers(layers: readonly LayerBlob[], visit: LayerVisitor): Promise<void> {
    const byMember = new Map<string, LayerBlob>();
    for (const l of layers) {
      const member = this.layerMembers.get(l.index);
      if (!member) throw new BulkheadError('INTERNAL', `layer ${l.index} was not resolved`);
      if (!byMember.has(member)) byMember.set(member, l);
    }
    await this.archive.stream([...byMember.keys()], (name, stream: Readable) => visit(byMember.get(name)!, stream));
  }

  async close(): Promise<void> {}

  private pick<T extends { RepoTags?: string[] | null }>(entries: T[], where: string): T {
    if (this.selector === undefined) {
      if (entries.length === 1) return entries[0]!;
      throw new BulkheadError('USAGE', `the archive holds ${entries.length} images; say which one`, {
        where,
        hint: `append :<repo:tag> or :@<n>; tags: ${entries.flatMap((e) => e.RepoTags ?? []).join(', ') || 'none'}`,
      });
    }
    const n = /^@(\d+)$/.exec(this.selector)?.[1];
    const found = n !== undefined ? entries[Number(n)] : entries.find((e) => e.RepoTags?.includes(this.selector!));
    if (!found) throw new BulkheadError('TARGET_NOT_FOUND', `no image "${this.selector}" in the archive`, { where });
    return found;
  }
}
