import { describe, expect, it } from 'vitest';
import { checkImage } from './index.js';
import { isRootUser } from './root-user.js';
import { debianBase, image, NOW, withConfig } from './testdata/result.js';

const rootFindings = (r: Parameters<typeof checkImage>[0]) => checkImage(r, { now: NOW }).filter((f) => f.id === 'BH-IMG-001');

describe('BH-IMG-001 runs as root', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['root', true],
    ['0', true],
    ['0:0', true],
    ['root:root', true],
    ['00:1000', true],
    ['10001:10001', false],
    ['1001:0', false],
    ['app', false],
    ['nobody', false],
    ['rootless', false],
  ])('User %j is root: %s', (user, root) => {
    expect(isRootUser(user)).toBe(root);
  });

  it('fires on an image with no User, at high severity, with the image-level location', () => {
    const [f, ...rest] = rootFindings(debianBase());
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ kind: 'misconfiguration', id: 'BH-IMG-001', severity: 'high', title: 'Image runs as root (no USER set)', location: {} });
    expect(f!.references).toContain('trivy:DS002');
  });

  it('fires on USER 0:0 and names the history step that set it', () => {
    const r = debianBase({
      image: image({
        config: { user: '0:0', cmd: ['bash'] },
        history: [
          { createdBy: '/bin/sh -c #(nop) ADD file:x in / ', emptyLayer: false },
          { createdBy: 'USER 0:0', emptyLayer: true },
        ],
      }),
    });
    expect(rootFindings(r)).toEqual([expect.objectContaining({ title: 'Image runs as root (USER 0:0)', evidence: 'User is "0:0" (set by history[1])' })]);
  });

  it('does not fire for a numeric non-root user, nor without image metadata (rootfs scans)', () => {
    expect(rootFindings(withConfig({ user: '10001:10001', cmd: ['python3'] }))).toEqual([]);
    expect(rootFindings(debianBase({ image: undefined, target: { kind: 'rootfs', name: '/mnt/root' } }))).toEqual([]);
  });
});
