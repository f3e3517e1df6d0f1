/**
 * hostPathVolumes (baseline, v1.0): no `spec.volumes[*].hostPath`.
 *
 * restrictedVolumes (restricted, v1.0, overrides hostPathVolumes): only
 * configMap, csi, downwardAPI, emptyDir, ephemeral, image,
 * persistentVolumeClaim, projected and secret volumes. Any other source fails,
 * named by its type, or `unknown` for a source the table does not know (a
 * newer or misspelled one). A volume with no source at all is allowed: the API
 * server defaults it to emptyDir before admission.
 */
import { asArray, asObject } from '../../input/object.js';
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { isSet, joinQuote, plural, shown, sortedSet, type PodContext } from '../context.js';

const ALLOWED_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

/** Restricted sources, in the order upstream tests them (the first one set names the type). */
const RESTRICTED_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

export const hostPathVolumesCheck: PssCheck = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ minimumVersion: 0, check: hostPathVolumes }],
};

export const restrictedVolumesCheck: PssCheck = {
  id: 'restrictedVolumes',
  level: 'restricted',
  overrides: ['hostPathVolumes'],
  versions: [{ minimumVersion: 0, check: restrictedVolumes }],
};

function hostPathVolumes(pod: PodContext): PssViolation | undefined {
  const names: string[] = [];
  const faults: PssFault[] = [];
  asArray(pod.spec['volumes']).forEach((v, i) => {
    const vol = asObject(v);
    if (!vol || !isSet(vol['hostPath'])) return;
    const name = shown(vol['name']);
    names.push(name);
    faults.push({ path: pod.specAt('volumes', i, 'hostPath'), subject: `volume "${name}"` });
  });
  if (!names.length) return undefined;
  return { forbiddenReason: 'hostPath volumes', forbiddenDetail: `${plural(names.length, 'volume', 'volumes')} ${joinQuote(names)}`, faults };
}

/** The restricted type of a volume, or undefined when the volume is allowed. */
export function restrictedVolumeType(vol: Record<string, unknown>): { type: string; key?: string } | undefined {
  if (ALLOWED_SOURCES.some((k) => isSet(vol[k]))) return undefined;
  const key = RESTRICTED_SOURCES.find((k) => isSet(vol[k]));
  if (key) return { type: key, key };
  const other = Object.keys(vol).find((k) => k !== 'name' && isSet(vol[k]));
  return other === undefined ? undefined : { type: 'unknown', key: other };
}

function restrictedVolumes(pod: PodContext): PssViolation | undefined {
  const names: string[] = [];
  const types: string[] = [];
  const faults: PssFault[] = [];
  asArray(pod.spec['volumes']).forEach((v, i) => {
    const vol = asObject(v);
    if (!vol) return;
    const bad = restrictedVolumeType(vol);
    if (!bad) return;
    const name = shown(vol['name']);
    names.push(name);
    types.push(bad.type);
    faults.push({ path: bad.key ? pod.specAt('volumes', i, bad.key) : pod.specAt('volumes', i), subject: `volume "${name}"` });
  });
  if (!names.length) return undefined;
  const typeList = sortedSet(types);
  return {
    forbiddenReason: 'restricted volume types',
    forbiddenDetail: `${plural(names.length, 'volume', 'volumes')} ${joinQuote(names)} ${plural(names.length, 'uses', 'use')} ${plural(typeList.length, 'restricted volume type', 'restricted volume types')} ${joinQuote(typeList)}`,
    faults,
  };
}
