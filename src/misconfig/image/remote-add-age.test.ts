import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../core/types.js';
import { imageAgeDays } from './image-age.js';
import { checkImage } from './index.js';
import { remoteAdds } from './remote-add.js';
import { debianBase, image, LAYER0, NOW } from './testdata/result.js';

const byId = (r: ScanResult, id: string, options = {}) => checkImage(r, { now: NOW, ...options }).filter((f) => f.id === id);

describe('BH-IMG-010 ADD of a remote URL', () => {
  it.each([
    ['ADD https://example.com/tool.tar.gz /opt/ # buildkit', [{ url: 'https://example.com/tool.tar.gz', checksum: false }]],
    ['ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /a # buildkit', [{ url: 'https://example.com/a.tgz', checksum: true }]],
    ['ADD --chown=1000 git@github.com:org/repo.git /src # buildkit', [{ url: 'git@github.com:org/repo.git', checksum: false }]],
    ['/bin/sh -c #(nop) ADD http://mirror.example/x.tar in /x ', [{ url: 'http://mirror.example/x.tar', checksum: false }]],
    ['/bin/sh -c #(nop) ADD file:debootstrap-minbase-bookworm in / ', []],
    ['COPY https://not-an-add.example/ /x # buildkit', []],
    ['/bin/sh -c curl -fsSL https://example.com/install.sh -o /tmp/i.sh', []],
  ])('%j', (createdBy, want) => {
    expect(remoteAdds(createdBy)).toEqual(want);
  });

  it('fires with the layer the step made, at low severity when a checksum pins it', () => {
    const add = 'ADD https://user:Tk9s8d7f6g5h@downloads.example.com/tool.tar.gz /opt/ # buildkit';
    const pinned = 'ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /a # buildkit';
    const layer1 = { index: 1, diffID: 'sha256:2222222222222222222222222222222222222222222222222222222222222222', historyIndex: 1, createdBy: add };
    const r = debianBase({
      image: image({
        history: [
          { createdBy: LAYER0.createdBy, emptyLayer: false },
          { createdBy: add, emptyLayer: false },
          { createdBy: pinned, emptyLayer: true },
        ],
        layers: [{ ...LAYER0 }, layer1],
      }),
    });
    const found = byId(r, 'BH-IMG-010');
    expect(found.map((f) => [f.title, f.severity])).toEqual([
      ['ADD of remote URL https://user:Tk********@downloads.example.com/tool.tar.gz', 'medium'],
      ['ADD of remote URL https://example.com/a.tgz (checksum pinned)', 'low'],
    ]);
    expect(found[0]!.location).toEqual({ layer: { index: 1, diffID: layer1.diffID, historyIndex: 1 } });
    expect(JSON.stringify(found)).not.toContain('Tk9s8d7f6g5h');
  });

  it('does not fire for the base rootfs ADD of the fixture images', () => {
    expect(byId(debianBase(), 'BH-IMG-010')).toEqual([]);
  });
});

describe('BH-IMG-012 image age', () => {
  it('measures whole days, ignoring zeroed, future and malformed timestamps', () => {
    expect(imageAgeDays('2026-11-01T00:00:00Z', NOW)).toBe(28);
    expect(imageAgeDays('1970-01-01T00:00:00Z', NOW)).toBeUndefined();
    expect(imageAgeDays('2027-01-01T00:00:00Z', NOW)).toBeUndefined();
    expect(imageAgeDays('yesterday', NOW)).toBeUndefined();
    expect(imageAgeDays(undefined, NOW)).toBeUndefined();
  });

  it('fires for an image built more than the limit ago', () => {
    const r = debianBase({ image: image({ created: '2025-06-15T10:00:00Z' }) });
    expect(byId(r, 'BH-IMG-012')).toEqual([
      expect.objectContaining({ severity: 'low', title: 'Image was built 531 days ago (2025-06-15)', evidence: 'created 2025-06-15T10:00:00Z; the limit is 365 days' }),
    ]);
    expect(byId(r, 'BH-IMG-012', { maxImageAgeDays: 600 })).toEqual([]);
  });

  it('does not fire for a recent image (the fixtures were built on 2026-11-01)', () => {
    expect(byId(debianBase(), 'BH-IMG-012')).toEqual([]);
    expect(byId(debianBase(), 'BH-IMG-012', { maxImageAgeDays: 10 })).toHaveLength(1);
  });
});
