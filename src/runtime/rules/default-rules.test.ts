/**
 * Bulkhead's default rules: each fires on the behaviour it is written for
 * and stays quiet on a benign look-alike (hand-built events).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../events.js';
import { defaultRuleFile, loadRules, type RuleSet } from './index.js';
import { connect, event, exec, open, O_APPEND, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY } from './testdata/events.js';

let rs: RuleSet;
beforeAll(() => {
  rs = loadRules([defaultRuleFile()]);
});

const fired = (e: RuntimeEvent) => rs.evaluate(e).map((a) => a.rule);
const host = { container: null } as const;

function expectRule(rule: string, hit: RuntimeEvent, benign: RuntimeEvent[]): void {
  expect(fired(hit)).toContain(rule);
  for (const b of benign) expect(fired(b), JSON.stringify(b)).not.toContain(rule);
}

describe('default rules', () => {
  it('load cleanly, all active, each with a BH-RT id and a MITRE technique', () => {
    expect(rs.disabled).toEqual([]);
    expect(rs.rules).toHaveLength(16);
    const ids = rs.rules.map((r) => r.tags.find((t) => /^BH-RT-\d{3}$/.test(t)));
    expect(new Set(ids).size).toBe(16);
    for (const r of rs.rules) {
      expect(r.active).toBe(true);
      expect(r.tags.some((t) => /^(T\d{4}(\.\d{3})?|TA\d{4})$/.test(t)), r.name).toBe(true);
      expect(r.tags.some((t) => t.startsWith('mitre_')), r.name).toBe(true);
    }
  });

  it('BH-RT-001 shell started in container', () => {
    expectRule('Shell started in container', exec('/bin/bash', [], { proc: { ancestors: ['runc:[2:INIT]'] } }), [
      exec('/bin/bash', [], host),
      exec('/usr/bin/bashful'),
      exec('/bin/sh', ['-c', 'true'], { proc: { ancestors: ['bash', 'runc'] } }),
    ]);
  });

  it('BH-RT-002 package manager run in container', () => {
    expectRule('Package manager run in container', exec('/usr/bin/apt-get', ['install', '-y', 'nmap']), [
      exec('/usr/bin/apt-get', ['install', '-y', 'nmap'], host),
      exec('/usr/local/bin/npm', ['start']),
      exec('/usr/bin/dpkg', ['--unpack', 'x.deb'], { proc: { ancestors: ['apt-get'] } }),
    ]);
    expect(fired(exec('/usr/local/bin/pip3', ['install', 'requests']))).toContain('Package manager run in container');
  });

  it('BH-RT-003 write below a system directory', () => {
    const rule = 'Write below system directory in container';
    expectRule(rule, open('/etc/ld.so.preload', O_WRONLY | O_CREAT, { proc: { name: 'python3' } }), [
      open('/etc/ld.so.preload', O_RDONLY, { proc: { name: 'python3' } }),
      open('/etcetera/x', O_WRONLY | O_CREAT, { proc: { name: 'python3' } }),
      open('/tmp/x', O_WRONLY | O_CREAT, { proc: { name: 'python3' } }),
      open('/usr/lib/x.so', O_WRONLY | O_CREAT, { proc: { name: 'dpkg' } }),
      open('/etc/passwd', O_WRONLY, { res: -13, proc: { name: 'python3' } }),
      open('/etc/passwd', O_WRONLY, { ...host, proc: { name: 'python3' } }),
    ]);
    expect(fired(open('/usr/bin/ls', O_WRONLY | O_TRUNC, { proc: { name: 'curl' } }))).toContain(rule);
    expect(fired(event('rename', { args: { oldpath: '/tmp/x', newpath: '/usr/local/bin/kubectl' } }))).toContain(rule);
    expect(fired(event('unlink', { args: { path: '/bin/ps' } }))).toContain(rule);
    expect(fired(event('unlink', { args: { path: '/tmp/ps' } }))).not.toContain(rule);
  });

  it('BH-RT-004 write to /root/.ssh', () => {
    expectRule('Write to root SSH directory in container', open('/root/.ssh/authorized_keys', O_WRONLY | O_APPEND | O_CREAT, { proc: { name: 'sh' } }), [
      open('/root/.ssh/authorized_keys', O_RDONLY, { proc: { name: 'sshd' } }),
      open('/root/.sshx/authorized_keys', O_WRONLY, { proc: { name: 'sh' } }),
    ]);
  });

  it('BH-RT-005 credential file read', () => {
    const rule = 'Credential file read in container';
    expectRule(rule, open('/etc/shadow', O_RDONLY, { proc: { name: 'cat' } }), [
      open('/etc/passwd', O_RDONLY, { proc: { name: 'cat' } }),
      open('/etc/shadow', O_RDONLY, { proc: { name: 'passwd' } }),
      open('/root/.ssh/id_ed25519.pub', O_RDONLY, { proc: { name: 'cat' } }),
      open('/etc/shadow', O_RDONLY, { res: -13, proc: { name: 'cat' } }),
    ]);
    for (const f of ['/root/.ssh/id_rsa', '/home/app/.ssh/id_ed25519', '/home/app/.aws/credentials', '/root/.docker/config.json', '/home/app/.git-credentials', '/etc/gshadow']) {
      expect(fired(open(f, O_RDONLY, { proc: { name: 'python3' } })), f).toContain(rule);
    }
    expect(fired(open('/root/.ssh/id_rsa', O_RDONLY, { proc: { name: 'ssh' } }))).not.toContain(rule);
  });

  it('BH-RT-006 outbound connection from a program that needs no network', () => {
    expectRule('Outbound connection from a program that needs no network', connect('203.0.113.7', 443, { proc: { name: 'bash' } }), [
      connect('203.0.113.7', 443, { proc: { name: 'curl' } }),
      connect('127.0.0.1', 8080, { proc: { name: 'bash' } }),
      connect('::1', 8080, { proc: { name: 'bash' } }),
      connect('203.0.113.7', 443, { ...host, proc: { name: 'bash' } }),
      event('connect', { proc: { name: 'bash' }, fd: { typechar: 'u', name: '/run/nscd/socket' } }),
    ]);
  });

  it('BH-RT-007 reverse shell', () => {
    expectRule('Reverse shell', exec('/bin/sh', ['-i'], { proc: { stdioIsSocket: true, ancestors: ['nc'] } }), [
      exec('/bin/sh', ['-i'], { proc: { stdioIsSocket: false, ancestors: ['nc'] } }),
      exec('/usr/bin/socat', [], { proc: { stdioIsSocket: true } }),
      exec('/bin/sh', ['-c', 'uptime'], { proc: { stdioIsSocket: true, ancestors: ['sshd'] } }),
    ]);
    expect(fired(exec('/bin/bash', ['-i'], { ...host, proc: { stdioIsSocket: true, ancestors: ['python3'] } }))).toContain('Reverse shell');
  });

  it('BH-RT-008 connection to a mining pool port', () => {
    expectRule('Connection to a crypto-mining pool port', connect('198.51.100.20', 3333, { proc: { name: 'kworker' } }), [
      connect('198.51.100.20', 443, { proc: { name: 'kworker' } }),
      connect('10.0.5.6', 4444, { proc: { name: 'app' } }),
      connect('172.20.1.1', 9999, { proc: { name: 'app' } }),
    ]);
  });

  it('BH-RT-009 crypto miner started', () => {
    const rule = 'Crypto miner started in container';
    expectRule(rule, exec('/tmp/xmrig', ['--donate-level', '1']), [exec('/usr/bin/xmllint', ['a.xml']), exec('/usr/bin/curl', ['https://stratum.example/docs'])]);
    expect(fired(exec('/tmp/.x/kthreadd', ['-o', 'stratum+tcp://pool.example:3333', '-u', 'wallet']))).toContain(rule);
    expect(fired(exec('/tmp/a', ['-o', 'gulf.moneroocean.stream:10128']))).toContain(rule);
  });

  it('BH-RT-010 ptrace injection', () => {
    expectRule('Process memory injection with ptrace', event('ptrace', { proc: { name: 'inject' }, args: { request: 16, pid: 1 } }), [
      event('ptrace', { proc: { name: 'inject' }, args: { request: 0, pid: 0 } }),
      event('ptrace', { proc: { name: 'gdb' }, args: { request: 2, pid: 1 } }),
    ]);
    expect(fired(event('ptrace', { ...host, proc: { name: 'x' }, args: { request: 'PTRACE_POKETEXT', pid: 1 } }))).toContain('Process memory injection with ptrace');
  });

  it('BH-RT-011 setuid program by an unprivileged user', () => {
    expectRule('Setuid program run by an unprivileged user in container', exec('/usr/bin/passwd', [], { proc: { uid: 1000, exeSetuid: true } }), [
      exec('/usr/bin/passwd', [], { proc: { uid: 0, exeSetuid: true } }),
      exec('/usr/bin/id', [], { proc: { uid: 1000, exeSetuid: false } }),
      exec('/usr/bin/passwd', [], { ...host, proc: { uid: 1000, exeSetuid: true } }),
    ]);
  });

  it('BH-RT-012 kernel module load', () => {
    expectRule('Kernel module loaded', event('finit_module', { proc: { name: 'insmod' }, args: { name: 'rootkit' } }), [exec('/sbin/lsmod'), exec('/sbin/modinfo', ['ext4'])]);
    expect(fired(event('init_module', { ...host, res: -1, proc: { name: 'x' } }))).toContain('Kernel module loaded');
  });

  it('BH-RT-013 and BH-RT-014 fileless execution', () => {
    expectRule('Program executed from memory', exec('/memfd:elf (deleted)', [], host), [exec('/usr/bin/memfd-test')]);
    expectRule('Anonymous memory file created in container', event('memfd_create', { proc: { name: 'python3' }, args: { name: 'x' } }), [
      event('memfd_create', { proc: { name: 'java' }, args: { name: 'x' } }),
      event('memfd_create', { ...host, proc: { name: 'python3' }, args: { name: 'x' } }),
    ]);
  });

  it('BH-RT-015 log tampering', () => {
    const rule = 'Log files tampered with in container';
    expectRule(rule, event('unlink', { proc: { name: 'rm' }, args: { path: '/var/log/auth.log' } }), [
      event('unlink', { proc: { name: 'rm' }, args: { path: '/tmp/app.log' } }),
      event('rename', { proc: { name: 'logrotate' }, args: { oldpath: '/var/log/app.log', newpath: '/var/log/app.log.1' } }),
      open('/var/log/app.log', O_WRONLY | O_APPEND, { proc: { name: 'node' } }),
      event('unlink', { res: -2, proc: { name: 'rm' }, args: { path: '/var/log/auth.log' } }),
    ]);
    expect(fired(open('/var/log/nginx/access.log', O_WRONLY | O_TRUNC, { proc: { name: 'sh' } }))).toContain(rule);
    expect(fired(event('rename', { proc: { name: 'mv' }, args: { oldpath: '/var/log/secure', newpath: '/tmp/x' } }))).toContain(rule);
  });

  it('BH-RT-016 executable not from the image', () => {
    expectRule('Executable not from the image run in container', exec('/tmp/payload', [], { proc: { exeWritable: true } }), [
      exec('/usr/bin/ls', [], { proc: { exeWritable: false, exeUpperLayer: false } }),
      exec('/tmp/payload', [], { ...host, proc: { exeWritable: true } }),
    ]);
    expect(fired(exec('/app/new', [], { proc: { exeUpperLayer: true } }))).toContain('Executable not from the image run in container');
  });

  it('carries the container and a readable output', () => {
    const [a] = rs.evaluate(open('/etc/shadow', O_RDONLY, { proc: { name: 'cat', args: ['/etc/shadow'] } }));
    expect(a).toMatchObject({ rule: 'Credential file read in container', priority: 'Warning', container: { id: '3f4e5d6c7b8a', name: 'shop-api', image: 'registry.example/shop/api:2.4.1', pod: { name: 'api-5c8b', namespace: 'shop' } } });
    expect(a!.output).toBe(
      'Credential file read in container (file=/etc/shadow process=cat cmdline=cat /etc/shadow parent=tini user=<NA> container_id=3f4e5d6c7b8a container_name=shop-api container_image_repository=registry.example/shop/api container_image_tag=2.4.1 k8s_ns_name=shop k8s_pod_name=api-5c8b image=registry.example/shop/api:2.4.1)',
    );
  });
});
