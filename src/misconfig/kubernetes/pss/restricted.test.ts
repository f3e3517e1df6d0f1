import { describe, expect, it } from 'vitest';
import { evaluatePod, forbiddenSummary } from './evaluate.js';
import { app, podOfSpec, restrictedPod, resultOf } from './testdata/pods.js';
import type { PssCheckId } from './types.js';

interface Case {
  name: string;
  spec: unknown;
  detail: string | null;
}

function table(id: PssCheckId, reason: string, cases: Case[]) {
  describe(id, () => {
    it.each(cases)('$name', ({ spec, detail }) => {
      const r = resultOf(spec, 'restricted', 'latest', id);
      expect(r, 'check must run at restricted:latest').toBeDefined();
      if (detail === null) expect(r!.allowed).toBe(true);
      else {
        expect(r!.allowed).toBe(false);
        expect(r!.forbiddenReason).toBe(reason);
        expect(r!.forbiddenDetail).toBe(detail);
      }
    });
  });
}

describe('the restricted base pod', () => {
  it('passes every check at latest and at v1.0', () => {
    for (const v of ['latest', 'v1.0', 'v1.25'] as const) {
      const results = evaluatePod(podOfSpec(restrictedPod()), 'restricted', v);
      expect(results.length).toBeGreaterThan(10);
      expect(forbiddenSummary(results)).toBe('');
    }
  });
});

table('restrictedVolumes', 'restricted volume types', [
  {
    name: 'every allowed source',
    spec: restrictedPod({}, {
      volumes: [
        { name: 'a', configMap: { name: 'c' } },
        { name: 'b', csi: { driver: 'd' } },
        { name: 'c', downwardAPI: {} },
        { name: 'd', emptyDir: {} },
        { name: 'e', ephemeral: { volumeClaimTemplate: {} } },
        { name: 'f', image: { reference: 'x' } },
        { name: 'g', persistentVolumeClaim: { claimName: 'x' } },
        { name: 'h', projected: { sources: [] } },
        { name: 'i', secret: { secretName: 's' } },
      ],
    }),
    detail: null,
  },
  { name: 'a volume with no source is defaulted to emptyDir', spec: restrictedPod({}, { volumes: [{ name: 'bare' }] }), detail: null },
  { name: 'hostPath', spec: restrictedPod({}, { volumes: [{ name: 'root', hostPath: { path: '/' } }] }), detail: 'volume "root" uses restricted volume type "hostPath"' },
  {
    name: 'several types, sorted; volume names in order',
    spec: restrictedPod({}, { volumes: [{ name: 'z', nfs: { server: 's', path: '/' } }, { name: 'y', gitRepo: { repository: 'r' } }, { name: 'x', awsElasticBlockStore: { volumeID: 'v' } }] }),
    detail: 'volumes "z", "y", "x" use restricted volume types "awsElasticBlockStore", "gitRepo", "nfs"',
  },
  { name: 'an unknown source', spec: restrictedPod({}, { volumes: [{ name: 'u', someFutureVolume: {} }] }), detail: 'volume "u" uses restricted volume type "unknown"' },
  ...['gcePersistentDisk', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'].map((type) => ({
    name: type,
    spec: restrictedPod({}, { volumes: [{ name: 'v', [type]: {} }] }),
    detail: `volume "v" uses restricted volume type "${type}"`,
  })),
]);

table('allowPrivilegeEscalation', 'allowPrivilegeEscalation != false', [
  { name: 'false', spec: restrictedPod(), detail: null },
  { name: 'unset fails', spec: restrictedPod({ securityContext: { capabilities: { drop: ['ALL'] } } }), detail: 'container "app" must set securityContext.allowPrivilegeEscalation=false' },
  { name: 'true fails', spec: restrictedPod({ securityContext: { allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'] } } }), detail: 'container "app" must set securityContext.allowPrivilegeEscalation=false' },
  {
    name: 'all three container kinds',
    spec: { ...restrictedPod(), initContainers: [{ name: 'i' }], ephemeralContainers: [{ name: 'e', securityContext: {} }] },
    detail: 'containers "i", "e" must set securityContext.allowPrivilegeEscalation=false',
  },
]);

table('runAsNonRoot', 'runAsNonRoot != true', [
  { name: 'pod true', spec: restrictedPod(), detail: null },
  { name: 'containers true, pod unset', spec: { containers: [app({ securityContext: { runAsNonRoot: true } })] }, detail: null },
  { name: 'nothing set', spec: { containers: [app()] }, detail: 'pod or container "app" must set securityContext.runAsNonRoot=true' },
  { name: 'pod false', spec: { securityContext: { runAsNonRoot: false }, containers: [app({ securityContext: { runAsNonRoot: true } })] }, detail: 'pod must not set securityContext.runAsNonRoot=false' },
  {
    name: 'container false even when the pod is true',
    spec: { securityContext: { runAsNonRoot: true }, containers: [app({ securityContext: { runAsNonRoot: false } })] },
    detail: 'container "app" must not set securityContext.runAsNonRoot=false',
  },
  {
    name: 'explicit false wins over implicit',
    spec: { securityContext: { runAsNonRoot: false }, initContainers: [{ name: 'i' }], containers: [app({ securityContext: { runAsNonRoot: false } })] },
    detail: 'pod and container "app" must not set securityContext.runAsNonRoot=false',
  },
]);

table('runAsUser', 'runAsUser=0', [
  { name: 'unset', spec: restrictedPod(), detail: null },
  { name: 'non-zero', spec: { ...restrictedPod(), securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } }, detail: null },
  { name: 'pod 0', spec: { ...restrictedPod(), securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } } }, detail: 'pod must not set runAsUser=0' },
  {
    name: 'container 0',
    spec: restrictedPod({ securityContext: { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }),
    detail: 'container "app" must not set runAsUser=0',
  },
]);

table('seccompProfile_restricted', 'seccompProfile', [
  { name: 'pod RuntimeDefault', spec: restrictedPod(), detail: null },
  { name: 'every container Localhost, pod unset', spec: { containers: [app({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p' } } })] }, detail: null },
  { name: 'unset everywhere', spec: { containers: [app()] }, detail: 'pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"' },
  {
    name: 'container Unconfined under a valid pod',
    spec: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [app({ securityContext: { seccompProfile: { type: 'Unconfined' } } })] },
    detail: 'container "app" must not set securityContext.seccompProfile.type to "Unconfined"',
  },
  {
    name: 'pod Unconfined: containers that set a valid type are fine, the pod is not',
    spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [app({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } })] },
    detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
  },
  { name: 'an empty profile object has type ""', spec: { containers: [app({ securityContext: { seccompProfile: {} } })] }, detail: 'container "app" must not set securityContext.seccompProfile.type to ""' },
]);

table('capabilities_restricted', 'unrestricted capabilities', [
  { name: 'drop ALL', spec: restrictedPod(), detail: null },
  { name: 'drop ALL, add NET_BIND_SERVICE', spec: restrictedPod({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }), detail: null },
  { name: 'no securityContext', spec: { containers: [app()] }, detail: 'container "app" must set securityContext.capabilities.drop=["ALL"]' },
  { name: 'drop lower-case all', spec: restrictedPod({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['all'] } } }), detail: 'container "app" must set securityContext.capabilities.drop=["ALL"]' },
  {
    name: 'both problems, joined with "; "',
    spec: restrictedPod({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW'], add: ['CHOWN', 'NET_BIND_SERVICE'] } } }),
    detail: 'container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "CHOWN" in securityContext.capabilities.add',
  },
]);

table('procMount_restricted', 'procMount', [
  { name: 'Default', spec: restrictedPod({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, procMount: 'Default' } }), detail: null },
  { name: 'Unmasked', spec: restrictedPod({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, procMount: 'Unmasked' } }), detail: 'container "app" must not set securityContext.procMount to "Unmasked"' },
]);

describe('restricted aggregate', () => {
  it('lists baseline reasons first, then restricted ones, as the API server prints', () => {
    const pod = podOfSpec({ hostNetwork: true, containers: [app({ securityContext: { privileged: true } })] });
    expect(forbiddenSummary(evaluatePod(pod, 'restricted', 'latest'))).toBe(
      'host namespaces (hostNetwork=true), privileged (container "app" must not set securityContext.privileged=true), ' +
        'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('points faults at the offending fields', () => {
    const pod = podOfSpec({ containers: [app()], initContainers: [{ name: 'i', securityContext: { allowPrivilegeEscalation: true } }] });
    const r = evaluatePod(pod, 'restricted', 'latest').find((x) => x.checkId === 'allowPrivilegeEscalation')!;
    expect(r.faults).toEqual([
      { path: ['spec', 'initContainers', 0, 'securityContext', 'allowPrivilegeEscalation'], subject: 'container "i"' },
      { path: ['spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'], subject: 'container "app"' },
    ]);
  });
});
