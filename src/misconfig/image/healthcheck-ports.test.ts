import { describe, expect, it } from 'vitest';
import { checkImage } from './index.js';
import { parsePortSpec } from './exposed-ports.js';
import { NOW, withConfig } from './testdata/result.js';
import type { ScanResult } from '../../core/types.js';

const byId = (r: ScanResult, id: string) => checkImage(r, { now: NOW }).filter((f) => f.id === id);

describe('BH-IMG-005 no HEALTHCHECK', () => {
  it('fires at low severity for a service image without one', () => {
    const [f] = byId(withConfig({ user: '1000', cmd: ['node', 'server.js'] }), 'BH-IMG-005');
    expect(f).toMatchObject({ severity: 'low', title: 'No HEALTHCHECK in the image', evidence: 'no Healthcheck in the image config' });
  });

  it('fires at info severity for a base image whose command is a bare shell', () => {
    const [f] = byId(withConfig({ cmd: ['/bin/bash'] }), 'BH-IMG-005');
    expect(f).toMatchObject({ severity: 'info', evidence: 'no Healthcheck; the command is "/bin/bash" (a base image)' });
  });

  it('fires at info severity for HEALTHCHECK NONE', () => {
    const [f] = byId(withConfig({ cmd: ['nginx'], healthcheck: { test: ['NONE'] } }), 'BH-IMG-005');
    expect(f).toMatchObject({ severity: 'info', title: 'HEALTHCHECK disabled in the image (HEALTHCHECK NONE)' });
  });

  it('does not fire when the image has a health check', () => {
    const r = withConfig({ cmd: ['nginx'], healthcheck: { test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], interval: 30e9 } });
    expect(byId(r, 'BH-IMG-005')).toEqual([]);
  });
});

describe('BH-IMG-006 sensitive exposed ports', () => {
  it.each([
    ['22/tcp', { from: 22, to: 22, protocol: 'tcp' }],
    ['3000', { from: 3000, to: 3000, protocol: 'tcp' }],
    ['53/UDP', { from: 53, to: 53, protocol: 'udp' }],
    ['5900-5905/tcp', { from: 5900, to: 5905, protocol: 'tcp' }],
    ['70000/tcp', undefined],
    ['22/tcp/x', undefined],
    ['abc', undefined],
  ])('parses %j', (spec, want) => {
    expect(parsePortSpec(spec)).toEqual(want);
  });

  it('fires once per sensitive port with its service and severity, and not for application ports', () => {
    const r = withConfig({ cmd: ['app'], exposedPorts: ['22/tcp', '23/tcp', '2375/tcp', '3000/tcp', '5432/tcp', '514/udp', '5901/tcp', '8080/tcp'] });
    const found = byId(r, 'BH-IMG-006').map((f) => [f.title, f.severity]);
    expect(found).toEqual([
      ['Image exposes port 22/tcp (SSH)', 'medium'],
      ['Image exposes port 23/tcp (Telnet)', 'high'],
      ['Image exposes port 2375/tcp (Docker API (no TLS))', 'critical'],
      ['Image exposes port 5901/tcp (VNC)', 'medium'],
    ]);
  });

  it('flags a range that covers a sensitive port', () => {
    const [f] = byId(withConfig({ cmd: ['app'], exposedPorts: ['20-25/tcp'] }), 'BH-IMG-006');
    expect(f).toMatchObject({ title: 'Image exposes port 20-25/tcp (FTP, SSH, Telnet)', severity: 'high' });
  });

  it('does not fire without exposed ports', () => {
    expect(byId(withConfig({ cmd: ['app'] }), 'BH-IMG-006')).toEqual([]);
  });
});
