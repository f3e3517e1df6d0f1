/**
 * The resolver over a state tree laid out as the runtimes lay it out
 * (runc's recorded state.json, crun status, docker config.v2.json, podman
 * containers.json), with /proc and the cgroup v2 mount replaced by
 * directories of the test so inodes are known. The real runc case is in
 * sensor.container.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroup2MountPoint, ContainerResolver, unifiedCgroupOf } from './containers.js';

describe('cgroup helpers', () => {
  it('find the cgroup v2 mount in mountinfo (hybrid and pure v2)', () => {
    const hybrid = '35 25 0:30 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n44 25 0:39 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n';
    expect(cgroup2MountPoint(hybrid)).toBe('/sys/fs/cgroup/unified');
    expect(cgroup2MountPoint('30 1 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n')).toBe('/sys/fs/cgroup');
    expect(cgroup2MountPoint(readFileSync('/proc/self/mountinfo', 'utf8'))).toMatch(/^\/sys\/fs\/cgroup/);
    expect(unifiedCgroupOf('9:name=systemd:/x\n0::/bhexp1\n')).toBe('/bhexp1');
  });
});

describe('ContainerResolver', () => {
  const root = mkdtempSync(join(tmpdir(), 'bh-state-'));
  const p = (...x: string[]) => join(root, ...x);
  let resolver: ContainerResolver;
  const ino = (path: string) => statSync(path).ino;

  beforeAll(async () => {
    // /proc: pids 1 (host), 100 (runc), 200 (crun), 300 (docker), 400 (podman).
    for (const pid of ['1', '100', '200', '300', '400']) {
      mkdirSync(p('proc', pid, 'ns'), { recursive: true });
      writeFileSync(p('proc', pid, 'ns', 'pid'), pid);
    }
    writeFileSync(p('proc', '300', 'cgroup'), '0::/system.slice/docker-abc.scope\n');
    writeFileSync(p('proc', '400', 'cgroup'), '0::/machine.slice/libpod-pod1.scope\n');
    for (const d of ['runcbox/sub', 'crunbox', 'system.slice/docker-abc.scope', 'machine.slice/libpod-pod1.scope', 'host.service']) mkdirSync(p('cgroup', d), { recursive: true });

    // runc, from the recorded state.json with the paths moved into the test tree.
    const state = JSON.parse(readFileSync(join(import.meta.dirname, 'testdata/runc-state.json'), 'utf8')) as {
      id: string;
      init_process_pid: number;
      cgroup_paths: Record<string, string>;
      config: { labels: string[] };
    };
    state.id = 'runcbox';
    state.init_process_pid = 100;
    state.cgroup_paths[''] = p('cgroup', 'runcbox');
    state.config.labels = state.config.labels.map((l: string) => (l.startsWith('bundle=') ? `bundle=${p('bundles', 'runcbox')}` : l));
    mkdirSync(p('run', 'runc', 'runcbox'), { recursive: true });
    writeFileSync(p('run', 'runc', 'runcbox', 'state.json'), JSON.stringify(state));
    mkdirSync(p('bundles', 'runcbox'), { recursive: true });
    writeFileSync(
      p('bundles', 'runcbox', 'config.json'),
      JSON.stringify({
        ociVersion: '1.0.2',
        annotations: { 'io.kubernetes.cri-o.ContainerID': 'runcbox', 'io.kubernetes.cri-o.ImageName': 'quay.io/app:1', 'io.kubernetes.container.name': 'app', 'io.kubernetes.pod.name': 'app-0', 'io.kubernetes.pod.namespace': 'prod' },
        root: { path: 'rootfs' },
        mounts: [{ destination: '/data', source: '/srv/data', type: 'bind', options: ['rbind'] }],
      }),
    );
    writeFileSync(p('bundles', 'runcbox', 'umoci.json'), readFileSync(join(import.meta.dirname, 'testdata/umoci.json')));

    // crun: status with a cgroup path relative to the cgroup v2 root.
    mkdirSync(p('run', 'crun', 'crunbox'), { recursive: true });
    writeFileSync(p('run', 'crun', 'crunbox', 'status'), JSON.stringify({ pid: 200, 'cgroup-path': '/crunbox', rootfs: 'rootfs', bundle: p('bundles', 'crunbox') }));

    // docker: runc state under the moby root, container config in /var/lib/docker.
    mkdirSync(p('run', 'docker', 'runtime-runc', 'moby', 'abc'), { recursive: true });
    writeFileSync(p('run', 'docker', 'runtime-runc', 'moby', 'abc', 'state.json'), JSON.stringify({ id: 'abc', init_process_pid: 300, config: { labels: [] } }));
    mkdirSync(p('docker', 'containers', 'abc'), { recursive: true });
    writeFileSync(p('docker', 'containers', 'abc', 'config.v2.json'), JSON.stringify({ Name: '/web', Config: { Image: 'nginx:1.25', Labels: { 'io.kubernetes.pod.name': 'web-1', 'io.kubernetes.pod.namespace': 'shop' } } }));

    // podman (rootful, runc): runc state, names and image in containers.json.
    mkdirSync(p('run', 'runc', 'pod1'), { recursive: true });
    writeFileSync(p('run', 'runc', 'pod1', 'state.json'), JSON.stringify({ id: 'pod1', init_process_pid: 400, config: { labels: [] } }));
    mkdirSync(p('containers', 'overlay-containers'), { recursive: true });
    writeFileSync(p('containers', 'overlay-containers', 'containers.json'), JSON.stringify([{ id: 'pod1', names: ['db'], metadata: JSON.stringify({ 'image-name': 'docker.io/library/postgres:16' }) }]));

    // A stopped container (its pid is gone) and a broken state file.
    mkdirSync(p('run', 'runc', 'gone'), { recursive: true });
    writeFileSync(p('run', 'runc', 'gone', 'state.json'), JSON.stringify({ id: 'gone', init_process_pid: 999 }));
    mkdirSync(p('run', 'runc', 'broken'), { recursive: true });
    writeFileSync(p('run', 'runc', 'broken', 'state.json'), '{"id": ');

    resolver = new ContainerResolver({
      runcRoots: [p('run', 'runc'), p('run', 'docker', 'runtime-runc', '*')],
      crunRoots: [p('run', 'crun')],
      dockerRoot: p('docker'),
      podmanStorage: p('containers'),
      procRoot: p('proc'),
      cgroupRoot: p('cgroup'),
      minRefreshIntervalMs: 20,
      negativeTtlMs: 60_000,
    });
    await resolver.refresh();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('maps each container cgroup inode (and its sub-cgroups) to the container', () => {
    const runc = resolver.lookup(ino(p('cgroup', 'runcbox')));
    expect(runc?.info).toMatchObject({ id: 'runcbox', runtime: 'cri-o', image: 'quay.io/app:1', name: 'app', pod: { name: 'app-0', namespace: 'prod' }, imageDigest: 'sha256:42c24435e740689e2afa8568e4c0b29aa75a38f9eb3cef81a9dce028be1b3cac' });
    expect(runc?.binds).toEqual([{ source: '/srv/data', destination: '/data', readonly: false }]);
    expect(resolver.lookup(ino(p('cgroup', 'runcbox', 'sub')))?.info.id).toBe('runcbox');
    expect(resolver.lookup(ino(p('cgroup', 'crunbox')))?.info).toMatchObject({ id: 'crunbox', runtime: 'crun' });
    expect(resolver.lookup(ino(p('cgroup', 'system.slice', 'docker-abc.scope')))?.info).toMatchObject({ id: 'abc', runtime: 'docker', name: 'web', image: 'nginx:1.25', pod: { name: 'web-1', namespace: 'shop' } });
    expect(resolver.lookup(ino(p('cgroup', 'machine.slice', 'libpod-pod1.scope')))?.info).toMatchObject({ id: 'pod1', runtime: 'podman', name: 'db', image: 'docker.io/library/postgres:16' });
  });

  it('falls back to the pid namespace inode', () => {
    expect(resolver.lookup(123456789, ino(p('proc', '200', 'ns', 'pid')))?.info.id).toBe('crunbox');
  });

  it('skips stopped containers and reports unreadable state', () => {
    expect(resolver.list().map((r) => r.info.id).sort()).toEqual(['abc', 'crunbox', 'pod1', 'runcbox']);
    expect(resolver.problems.join('\n')).toContain('broken/state.json');
  });

  it('treats the root cgroup as the host and remembers host cgroups it could not attribute', async () => {
    expect(resolver.isHostCgroup(ino(p('cgroup')))).toBe(true);
    const before = resolver.refreshes;
    const hostNs = ino(p('proc', '1', 'ns', 'pid'));
    expect(await resolver.resolve(ino(p('cgroup', 'host.service')), hostNs)).toBeUndefined();
    expect(resolver.refreshes).toBeGreaterThan(before);
    const after = resolver.refreshes;
    expect(await resolver.resolve(ino(p('cgroup', 'host.service')), hostNs)).toBeUndefined();
    expect(resolver.refreshes).toBe(after);
  });

  it('finds a container that appeared after the last scan', async () => {
    mkdirSync(p('cgroup', 'late'));
    mkdirSync(p('proc', '500', 'ns'), { recursive: true });
    writeFileSync(p('proc', '500', 'ns', 'pid'), '500');
    mkdirSync(p('run', 'runc', 'late'), { recursive: true });
    writeFileSync(p('run', 'runc', 'late', 'state.json'), JSON.stringify({ id: 'late', init_process_pid: 500, cgroup_paths: { '': p('cgroup', 'late') } }));
    expect(resolver.lookup(ino(p('cgroup', 'late')))).toBeUndefined();
    expect((await resolver.resolve(ino(p('cgroup', 'late')), ino(p('proc', '500', 'ns', 'pid'))))?.info.id).toBe('late');
  });
});
