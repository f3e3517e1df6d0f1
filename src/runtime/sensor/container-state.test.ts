import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotationFacts, parseCrunStatus, parseDockerConfigV2, parseOciConfig, parsePodmanContainers, parseRuncState, parseUmociJson } from './container-state.js';

const testdata = (f: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', f), 'utf8')) as unknown;

describe('runtime state parsers', () => {
  it('reads runc state.json (recorded from runc 1.1.5)', () => {
    expect(parseRuncState(testdata('runc-state.json'))).toMatchObject({
      id: 'bhexp1',
      runtime: 'runc',
      pid: expect.any(Number),
      bundle: '/tmp/bh-exp/bundle',
      rootfs: '/tmp/bh-exp/bundle/rootfs',
      cgroupDir: '/sys/fs/cgroup/unified/bhexp1',
      labels: { 'org.opencontainers.image.os': 'linux' },
    });
    expect(parseRuncState({ id: 'x' })).toBeUndefined();
    expect(parseRuncState('garbage')).toBeUndefined();
  });

  it('reads crun status (format of libcrun status.c: pid, cgroup-path, rootfs, bundle)', () => {
    const status = { pid: 139179, 'process-start-time': 263473330, 'cgroup-path': '/busybox1', scope: '', rootfs: 'rootfs', 'systemd-cgroup': false, bundle: '/home/u/c', created: '2021-08-29T14:34:52Z', owner: 'root' };
    expect(parseCrunStatus('busybox1', status)).toEqual({ id: 'busybox1', runtime: 'crun', pid: 139179, bundle: '/home/u/c', rootfs: '/home/u/c/rootfs', cgroupPath: '/busybox1', labels: {} });
  });

  it('reads umoci.json (recorded from umoci 0.4)', () => {
    expect(parseUmociJson(testdata('umoci.json'))).toEqual({ image: 'debian-bookworm', imageDigest: 'sha256:42c24435e740689e2afa8568e4c0b29aa75a38f9eb3cef81a9dce028be1b3cac' });
  });

  it('finds image, container and pod in CRI-O and containerd annotations', () => {
    expect(
      annotationFacts({
        'io.kubernetes.cri-o.ImageName': 'docker.io/library/nginx:1.25',
        'io.kubernetes.cri-o.ImageRef': 'docker.io/library/nginx@sha256:' + 'a'.repeat(64),
        'io.kubernetes.container.name': 'web',
        'io.kubernetes.pod.name': 'web-0',
        'io.kubernetes.pod.namespace': 'shop',
        'io.kubernetes.pod.uid': 'u-1',
      }),
    ).toEqual({ image: 'docker.io/library/nginx:1.25', imageDigest: 'sha256:' + 'a'.repeat(64), name: 'web', pod: { name: 'web-0', namespace: 'shop', uid: 'u-1' } });
    expect(
      annotationFacts({
        'io.kubernetes.cri.image-name': 'registry.k8s.io/pause:3.9',
        'io.kubernetes.cri.container-name': 'app',
        'io.kubernetes.cri.sandbox-name': 'api-7d9',
        'io.kubernetes.cri.sandbox-namespace': 'default',
      }),
    ).toEqual({ image: 'registry.k8s.io/pause:3.9', name: 'app', pod: { name: 'api-7d9', namespace: 'default' } });
    expect(annotationFacts({})).toEqual({});
  });

  it('reads OCI config.json bind mounts and the privileged shape', () => {
    const facts = parseOciConfig(
      {
        annotations: { a: 'b' },
        root: { path: 'rootfs' },
        mounts: [
          { destination: '/data', source: '/srv/data', type: 'bind', options: ['rbind', 'ro'] },
          { destination: '/proc', source: 'proc', type: 'proc' },
        ],
        process: { capabilities: { bounding: ['CAP_SYS_ADMIN'] } },
        linux: { maskedPaths: [] },
      },
      '/b',
    );
    expect(facts).toEqual({ annotations: { a: 'b' }, rootfs: '/b/rootfs', binds: [{ source: '/srv/data', destination: '/data', readonly: true }], privileged: true });
  });

  it('reads docker config.v2.json and podman containers.json (field names from moby and containers/storage)', () => {
    expect(parseDockerConfigV2({ Name: '/web', Image: 'sha256:' + 'b'.repeat(64), Config: { Image: 'nginx:1.25', Labels: { team: 'x' } }, HostConfig: { Privileged: true } })).toEqual({
      name: 'web',
      image: 'nginx:1.25',
      imageDigest: 'sha256:' + 'b'.repeat(64),
      labels: { team: 'x' },
      privileged: true,
    });
    const podman = parsePodmanContainers([{ id: 'abc', names: ['db'], image: 'c'.repeat(64), metadata: JSON.stringify({ 'image-name': 'docker.io/library/postgres:16', name: 'db' }) }, { id: 'def', metadata: '{broken' }]);
    expect(podman.get('abc')).toEqual({ name: 'db', image: 'docker.io/library/postgres:16', imageDigest: 'sha256:' + 'c'.repeat(64) });
    expect(podman.get('def')).toEqual({});
  });
});
