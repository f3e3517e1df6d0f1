import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BulkheadError } from '../../../core/errors.js';
import { tempDir } from '../../../../test/helpers/image-builder.js';
import { loadAll, objectsOfText, type LoadProblem } from './load.js';
import { locationOf } from './object.js';
import { containersOf, podOf } from './pod.js';

const deployment = `# a comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
`;

describe('objectsOfText', () => {
  it('reads every document with its identity and line range', () => {
    const objs = [...objectsOfText(deployment, 'web.yaml')];
    expect(objs.map((o) => o.ref)).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' },
      { apiVersion: 'v1', kind: 'Service', name: 'web' },
    ]);
    expect(objs[0]!.range).toEqual({ startLine: 2, endLine: 17 });
    expect(objs[1]!.range).toEqual({ startLine: 19, endLine: 24 });
  });

  it('locates fields down to the line, and a missing field at its nearest parent', () => {
    const [dep] = [...objectsOfText(deployment, 'web.yaml')];
    const pod = podOf(dep!)!;
    const [c] = containersOf(pod);
    expect(c!.name).toBe('app');
    expect(dep!.locate([...c!.path, 'securityContext', 'privileged'])).toEqual({ startLine: 17, endLine: 17 });
    expect(dep!.locate([...c!.path, 'securityContext'])).toEqual({ startLine: 16, endLine: 17 });
    expect(dep!.locate([...c!.path])).toEqual({ startLine: 14, endLine: 17 });
    // runAsNonRoot is absent: the finding points at securityContext.
    expect(dep!.locate([...c!.path, 'securityContext', 'runAsNonRoot'])).toEqual({ startLine: 16, endLine: 17 });
    expect(locationOf(dep!, ['spec', 'template', 'metadata', 'labels'])).toEqual({
      path: 'web.yaml', startLine: 10, endLine: 11,
      object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' },
    });
  });

  it('expands List kinds (cluster dumps) and keeps item line ranges', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a, namespace: x}
  spec:
    containers: [{name: c, image: busybox}]
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b, namespace: x}
`;
    const objs = [...objectsOfText(text, 'dump.yaml')];
    expect(objs.map((o) => `${o.kind}/${o.name}`)).toEqual(['Pod/a', 'ConfigMap/b']);
    expect(objs[0]!.range).toEqual({ startLine: 4, endLine: 8 });
    expect(objs[0]!.locate(['spec', 'containers', 0, 'image'])).toEqual({ startLine: 8, endLine: 8 });
    expect(objs[1]!.range.startLine).toBe(9);
  });

  it('reads JSON (kubectl get -o json)', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } }] }, null, 2);
    const objs = [...objectsOfText(json, 'pods.json')];
    expect(objs).toHaveLength(1);
    expect(objs[0]!.name).toBe('p');
    expect(objs[0]!.locate(['spec']).startLine).toBeGreaterThan(objs[0]!.range.startLine);
  });

  it('reports documents that are not Kubernetes objects as problems, not crashes', () => {
    const problems: LoadProblem[] = [];
    const objs = [...objectsOfText('- a\n- b\n---\nfoo: 1\n---\n---\nkind: Pod\n', 'x.yaml', { onProblem: (p) => problems.push(p) })];
    expect(objs).toHaveLength(0);
    expect(problems.map((p) => [p.line, p.message.split(' ').slice(0, 4).join(' ')])).toEqual([
      [1, 'document 1 is not'],
      [4, 'not a Kubernetes object'],
      [7, 'not a Kubernetes object'],
    ]);
  });

  it('rejects invalid YAML with file:line', () => {
    try {
      void [...objectsOfText('apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\n', 'bad.yaml')];
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BulkheadError);
      const err = e as BulkheadError;
      expect(err.code).toBe('K8S_INPUT_INVALID');
      expect(err.where).toMatch(/^bad\.yaml:\d+$/);
    }
  });

  it('rejects duplicate keys', () => {
    expect(() => [...objectsOfText('apiVersion: v1\nkind: Pod\nkind: Service\n', 'dup.yaml')]).toThrow(/duplicate|unique/i);
  });

  it('stops YAML bombs (alias expansion)', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
    expect(() => [...objectsOfText(bomb, 'bomb.yaml')]).toThrow(BulkheadError);
  });

  it('survives deep nesting with an error, not a crash', () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    let outcome: string;
    try {
      outcome = `${[...objectsOfText(deep, 'deep.yaml')].length}`;
    } catch (e) {
      expect(e).toBeInstanceOf(BulkheadError);
      outcome = 'error';
    }
    expect(['1', 'error']).toContain(outcome);
  });

  it('never throws anything but BulkheadError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          for (const o of objectsOfText(text, 'fuzz.yaml')) {
            o.locate(['spec', 'containers', 0, 'image']);
          }
        } catch (e) {
          if (!(e instanceof BulkheadError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
    const yamlish = fc.array(fc.constantFrom('apiVersion: v1\n', 'kind: Pod\n', 'metadata:\n', '  name: x\n', '---\n', 'items:\n', '- ', '  ', '&a ', '*a ', '[', ']', '{', '}', ': ', '"', '\n', 'kind: List\n'), { maxLength: 40 });
    fc.assert(
      fc.property(yamlish, (parts) => {
        try {
          for (const o of objectsOfText(parts.join(''), 'fuzz.yaml')) o.locate(['metadata', 'name']);
        } catch (e) {
          if (!(e instanceof BulkheadError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('loadAll', () => {
  it('walks directories in order, skipping symlinks and non-YAML files, and refuses Helm chart sources', async () => {
    const dir = await tempDir('k8s-load-');
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'chart', 'templates'), { recursive: true });
    await writeFile(join(dir, 'a', 'one.yaml'), deployment);
    await writeFile(join(dir, 'b.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }));
    await writeFile(join(dir, 'notes.txt'), 'kind: Pod');
    await writeFile(join(dir, 'chart', 'Chart.yaml'), 'name: x\n');
    await writeFile(join(dir, 'chart', 'templates', 'd.yaml'), 'metadata: {{ .Values.x }}\n');
    await symlink('/etc/passwd', join(dir, 'link.yaml'));
    const problems: LoadProblem[] = [];
    const objs = await loadAll([dir], { onProblem: (p) => problems.push(p) });
    expect(objs.map((o) => `${o.kind}/${o.name}`)).toEqual(['Deployment/web', 'Service/web', 'Namespace/shop']);
    expect(objs[0]!.file).toBe(join(dir, 'a', 'one.yaml'));
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/Helm chart/),
      expect.stringMatching(/symbolic link skipped/),
    ]);
  });

  it('reads stdin for -', async () => {
    const objs = await loadAll(['-'], { readStdin: async () => deployment });
    expect(objs.map((o) => o.file)).toEqual(['-', '-']);
  });

  it('says what is missing for a file that does not exist', async () => {
    await expect(loadAll(['/nonexistent/x.yaml'])).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
  });

  const hasKubectl = existsSync('/usr/bin/kubectl') || existsSync('/usr/local/bin/kubectl');
  if (!hasKubectl) console.warn('kustomize test skipped: kubectl is not installed');
  it.skipIf(!hasKubectl)('renders kustomize directories through kubectl kustomize', async () => {
    const dir = await tempDir('k8s-kust-');
    await writeFile(join(dir, 'kustomization.yaml'), 'namespace: prod\nresources:\n- deploy.yaml\ncommonLabels:\n  team: shop\n');
    await writeFile(join(dir, 'deploy.yaml'), deployment.split('---')[0]!);
    const objs = await loadAll([dir]);
    expect(objs).toHaveLength(1);
    expect(objs[0]!.namespace).toBe('prod');
    expect(objs[0]!.file).toBe(`kustomize:${dir}`);
    expect((objs[0]!.data['metadata'] as { labels: Record<string, string> }).labels['team']).toBe('shop');
  });

  it('says kubectl is needed when it is missing', async () => {
    const dir = await tempDir('k8s-kust-');
    await writeFile(join(dir, 'kustomization.yaml'), 'resources: []\n');
    await expect(loadAll([dir], { kubectl: '/nonexistent/kubectl' })).rejects.toMatchObject({ code: 'TOOL_MISSING' });
  });
});
