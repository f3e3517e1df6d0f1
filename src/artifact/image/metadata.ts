/**
 * Turns a verified image config (and the layer list of its manifest) into the
 * ImageMetadata later checks use, and ties every layer to the history entry
 * that created it.
 */
import { BulkheadError } from '../../core/errors.js';
import type { HistoryEntry, ImageLayerInfo, ImageMetadata } from '../../core/types.js';
import type { ImageConfig } from './oci-schema.js';
import type { LayerBlob } from './source.js';

export interface MetadataInput {
  reference: string;
  config: ImageConfig;
  configDigest: string;
  manifestDigest?: string;
  indexDigest?: string;
  /** Stored blobs in manifest order (digest/mediaType/size); may be shorter info for docker-archive. */
  layers: Array<{ digest?: string; mediaType?: string; size?: number }>;
  repoTags?: string[];
  where: string;
}

export function buildImage(input: MetadataInput): { metadata: ImageMetadata; layers: LayerBlob[] } {
  const { config } = input;
  const diffIDs = config.rootfs.diff_ids;
  if (diffIDs.length !== input.layers.length) {
    throw new BulkheadError(
      'CONFIG_INVALID',
      `the image config lists ${diffIDs.length} layer diff_ids but the manifest has ${input.layers.length} layers`,
      { where: input.where, hint: 'the image is inconsistent; rebuild or re-export it' },
    );
  }
  const history: HistoryEntry[] = (config.history ?? []).map((h) => ({
    created: h.created ?? undefined,
    createdBy: h.created_by ?? undefined,
    comment: h.comment ?? undefined,
    emptyLayer: h.empty_layer === true,
  }));
  // The n-th non-empty history entry made the n-th layer.
  const layerHistory: number[] = [];
  history.forEach((h, i) => {
    if (!h.emptyLayer) layerHistory.push(i);
  });
  const layerInfos: ImageLayerInfo[] = input.layers.map((l, index) => {
    const historyIndex = layerHistory.length === diffIDs.length ? layerHistory[index] : undefined;
    const info: ImageLayerInfo = { index, diffID: diffIDs[index]! };
    if (l.digest) info.digest = l.digest;
    if (l.mediaType) info.mediaType = l.mediaType;
    if (l.size !== undefined) info.size = l.size;
    if (historyIndex !== undefined) {
      info.historyIndex = historyIndex;
      const createdBy = history[historyIndex]?.createdBy;
      if (createdBy) info.createdBy = createdBy;
    }
    return info;
  });
  const c = config.config ?? {};
  const metadata: ImageMetadata = {
    reference: input.reference,
    configDigest: input.configDigest,
    os: config.os ?? 'unknown',
    architecture: config.architecture ?? 'unknown',
    config: {},
    history,
    layers: layerInfos,
  };
  if (input.manifestDigest) metadata.manifestDigest = input.manifestDigest;
  if (input.indexDigest) metadata.indexDigest = input.indexDigest;
  if (config.variant) metadata.variant = config.variant;
  if (config.created) metadata.created = config.created;
  if (input.repoTags && input.repoTags.length > 0) metadata.repoTags = input.repoTags;
  const summary = metadata.config;
  if (c.User) summary.user = c.User;
  if (c.Env && c.Env.length) summary.env = c.Env;
  if (c.ExposedPorts) summary.exposedPorts = Object.keys(c.ExposedPorts).sort();
  if (c.Entrypoint && c.Entrypoint.length) summary.entrypoint = c.Entrypoint;
  if (c.Cmd && c.Cmd.length) summary.cmd = c.Cmd;
  if (c.WorkingDir) summary.workingDir = c.WorkingDir;
  if (c.Labels && Object.keys(c.Labels).length) summary.labels = c.Labels;
  if (c.Volumes) summary.volumes = Object.keys(c.Volumes).sort();
  if (c.StopSignal) summary.stopSignal = c.StopSignal;
  if (c.Healthcheck) {
    const hc: NonNullable<typeof summary.healthcheck> = {};
    if (c.Healthcheck.Test) hc.test = c.Healthcheck.Test;
    if (c.Healthcheck.Interval != null) hc.interval = c.Healthcheck.Interval;
    if (c.Healthcheck.Timeout != null) hc.timeout = c.Healthcheck.Timeout;
    if (c.Healthcheck.Retries != null) hc.retries = c.Healthcheck.Retries;
    summary.healthcheck = hc;
  }
  const layers: LayerBlob[] = layerInfos.map((l) => {
    const blob: LayerBlob = { index: l.index, diffID: l.diffID };
    if (l.digest) blob.digest = l.digest;
    if (l.mediaType) blob.mediaType = l.mediaType;
    if (l.size !== undefined) blob.size = l.size;
    return blob;
  });
  return { metadata, layers };
}
