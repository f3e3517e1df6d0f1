import { describe, expect, it } from 'vitest';
import type { LayerRef, ScanResult } from '../../core/types.js';
import { mergedUsrPath, symbolicMode } from './file-modes.js';
import { checkImage } from './index.js';
import { debianBase, LAYER0, notable, NOW } from './testdata/result.js';

const byId = (r: ScanResult, id: string, options = {}) => checkImage(r, { now: NOW, ...options }).filter((f) => f.id === id);

const LAYER2: LayerRef = {
  index: 2,
  diffID: 'sha256:c1c4300a9e5f7392c1a233561922c52537dc22891bb4ad3b0b5f6f8955aca1e6',
  historyIndex: 3,
  createdBy: '/bin/sh -c #(nop) COPY file:deploy-key in /root/.ssh/id_rsa ; COPY .env /app/.env ; rm /etc/issue.net',
};

describe('file mode helpers', () => {
  it('formats modes like ls -l', () => {
    expect(symbolicMode(0o4755)).toBe('rwsr-xr-x');
    expect(symbolicMode(0o4644)).toBe('rwSr--r--');
    expect(symbolicMode(0o2755)).toBe('rwxr-sr-x');
    expect(symbolicMode(0o1777)).toBe('rwxrwxrwt');
    expect(symbolicMode(0o666)).toBe('rw-rw-rw-');
  });

  it('compares paths in merged-/usr form', () => {
    expect(mergedUsrPath('/bin/mount')).toBe('/usr/bin/mount');
    expect(mergedUsrPath('/sbin/unix_chkpwd')).toBe('/usr/sbin/unix_chkpwd');
    expect(mergedUsrPath('/lib64/ld-linux-x86-64.so.2')).toBe('/usr/lib64/ld-linux-x86-64.so.2');
    expect(mergedUsrPath('/binary/x')).toBe('/binary/x');
    expect(mergedUsrPath('/usr/bin/su')).toBe('/usr/bin/su');
  });
});

describe('BH-IMG-007 setuid/setgid files', () => {
  it('reports each packaged setuid/setgid binary at low severity with its path, layer and owner', () => {
    const found = byId(debianBase(), 'BH-IMG-007');
    expect(found.map((f) => [f.title, f.severity])).toEqual([
      ['setgid file /usr/bin/chage', 'low'],
      ['setuid file /usr/bin/mount', 'low'],
      ['setuid file /usr/bin/su', 'low'],
      ['setgid file /usr/sbin/unix_chkpwd', 'low'],
    ]);
    expect(found[1]).toMatchObject({
      location: { path: '/usr/bin/mount', layer: LAYER0 },
      evidence: 'rwsr-xr-x (4755) uid 0 gid 0; installed by deb:mount; layer 0',
    });
  });

  it('reports a setuid file no OS package installed at medium severity, first', () => {
    const r = debianBase();
    r.notableFiles = [...r.notableFiles!, notable('/app/server.js', 0o4644, ['setuid'], LAYER2)];
    const found = byId(r, 'BH-IMG-007');
    expect(found[0]).toMatchObject({
      title: 'setuid file /app/server.js (not installed by any OS package)',
      severity: 'medium',
      location: { path: '/app/server.js', layer: { index: 2, historyIndex: 3 } },
      evidence: 'rwSr--r-- (4644) uid 0 gid 0; no OS package lists this file; layer 2',
    });
    expect(found).toHaveLength(5);
  });

  it('summarises beyond maxFindingsPerCheck', () => {
    const r = debianBase();
    r.notableFiles = Array.from({ length: 30 }, (_, i) => notable(`/opt/tool${i}`, 0o4755, ['setuid']));
    const found = byId(r, 'BH-IMG-007', { maxFindingsPerCheck: 10 });
    expect(found).toHaveLength(11);
    expect(found[10]).toMatchObject({ title: '20 more setuid or setgid files', severity: 'medium' });
    expect(found[10]!.evidence).toContain('/opt/tool10, /opt/tool11');
  });

  it('does not fire without setuid/setgid files', () => {
    expect(byId(debianBase({ notableFiles: [] }), 'BH-IMG-007')).toEqual([]);
    expect(byId(debianBase({ notableFiles: undefined }), 'BH-IMG-007')).toEqual([]);
  });
});

describe('BH-IMG-008 world-writable files', () => {
  it('reports files outside the temporary directories, executables and system files at medium', () => {
    const r = debianBase({
      notableFiles: [
        notable('/tmp/cache.db', 0o666, ['world-writable']),
        notable('/var/tmp/x', 0o666, ['world-writable']),
        notable('/etc/app.conf', 0o666, ['world-writable']),
        notable('/usr/local/bin/run.sh', 0o777, ['world-writable']),
        notable('/data/notes.txt', 0o666, ['world-writable']),
      ],
    });
    expect(byId(r, 'BH-IMG-008').map((f) => [f.title, f.severity, f.location.path])).toEqual([
      ['World-writable file /etc/app.conf', 'medium', '/etc/app.conf'],
      ['World-writable executable /usr/local/bin/run.sh', 'medium', '/usr/local/bin/run.sh'],
      ['World-writable file /data/notes.txt', 'low', '/data/notes.txt'],
    ]);
  });

  it('does not fire for world-writable files only under /tmp, nor for setuid-only files', () => {
    const r = debianBase({ notableFiles: [notable('/tmp/a', 0o666, ['world-writable']), notable('/usr/bin/su', 0o4755, ['setuid'])] });
    expect(byId(r, 'BH-IMG-008')).toEqual([]);
  });
});

describe('layers in file findings', () => {
  it('keep the created_by of an ordinary step and drop one that holds a credential', () => {
    const leaky: LayerRef = { index: 3, diffID: 'sha256:3333333333333333333333333333333333333333333333333333333333333333', createdBy: 'RUN |1 GH_TOKEN=ghp_0123456789abcdefghij /bin/sh -c chmod u+s /app/x # buildkit' };
    const r = debianBase({ notableFiles: [notable('/app/x', 0o4755, ['setuid'], leaky), notable('/app/y', 0o4755, ['setuid'], LAYER2)] });
    const [x, y] = byId(r, 'BH-IMG-007');
    expect(x!.location.layer).toEqual({ index: 3, diffID: leaky.diffID });
    expect(y!.location.layer).toEqual(LAYER2);
  });
});
