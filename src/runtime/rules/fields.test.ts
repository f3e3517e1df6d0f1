import { describe, expect, it } from 'vitest';
import type { RuntimeEvent, SyscallEvent } from '../events.js';
import { eventTypesOf, formatOutput, loadRules, parseCondition, RulesLoadError } from './index.js';
import { audit, connect, event, exec, open, O_APPEND, O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from './testdata/events.js';

/** Does `condition` hold for `e`? (one rule, syscall or k8s_audit source) */
function holds(condition: string, e: RuntimeEvent): boolean {
  const source = e.source === 'k8s_audit' ? '\n  source: k8s_audit' : '';
  const rs = loadRules([{ path: 't.yaml', text: `- rule: T\n  desc: t\n  condition: ${JSON.stringify(condition)}\n  output: o\n  priority: INFO${source}` }]);
  if (rs.disabled.length > 0) throw new Error(`disabled: ${JSON.stringify(rs.disabled)}`);
  return rs.evaluate(e).length === 1;
}

function disabledBy(condition: string): unknown {
  const rs = loadRules([{ path: 't.yaml', text: `- rule: T\n  desc: t\n  condition: ${JSON.stringify(condition)}\n  output: o\n  priority: INFO` }]);
  return rs.disabled[0];
}

function compileError(condition: string): string {
  try {
    loadRules([{ path: 't.yaml', text: `- rule: T\n  desc: t\n  condition: ${JSON.stringify(condition)}\n  output: o\n  priority: INFO` }]);
  } catch (e) {
    if (e instanceof RulesLoadError) return e.problems[0]!.message;
    throw e;
  }
  throw new Error('expected an error');
}

const sh = exec('/bin/bash', ['-c', 'id'], { proc: { ancestors: ['python3', 'gunicorn', 'containerd-shim'], ancestorExes: ['/usr/bin/python3', '/usr/bin/gunicorn', '/usr/bin/containerd-shim'], ancestorPids: [10, 9, 8], parentArgs: ['-m', 'app'], tty: 34816, vpid: 7 } });

describe('process fields', () => {
  it('reads names, paths, command lines and ancestors', () => {
    expect(holds('proc.name = bash and proc.exe = /bin/bash and proc.exepath = /bin/bash', sh)).toBe(true);
    expect(holds('proc.cmdline = "bash -c id" and proc.args = "-c id"', sh)).toBe(true);
    expect(holds('proc.pname = python3 and proc.pexe = /usr/bin/python3 and proc.pcmdline = "python3 -m app"', sh)).toBe(true);
    expect(holds('proc.aname[0] = bash and proc.aname[1] = python3 and proc.aname[2] = gunicorn and proc.aname[3] = containerd-shim', sh)).toBe(true);
    expect(holds('proc.aname[4] exists', sh)).toBe(false);
    expect(holds('proc.aname = gunicorn and proc.aname in (nginx, gunicorn)', sh)).toBe(true);
    expect(holds('proc.aname = nginx', sh)).toBe(false);
    expect(holds('proc.aname != nginx', sh)).toBe(true);
    expect(holds('proc.aname != gunicorn', sh)).toBe(false);
    expect(holds('proc.apid[1] = 10 and proc.apid[3] = 8 and proc.apid = 9', sh)).toBe(true);
    expect(holds('proc.aexepath[2] = /usr/bin/gunicorn and proc.aexe[0] = /bin/bash', sh)).toBe(true);
    expect(holds('proc.tty != 0 and proc.vpid = 7 and proc.cwd = /app', sh)).toBe(true);
    expect(holds('proc.tty != 0', exec('/bin/bash'))).toBe(false);
  });

  it('reads users, groups and Bulkhead process flags', () => {
    const root = exec('/bin/sh', [], { proc: { uid: 0, gid: 0, loginuid: 0, stdioIsSocket: true, exeWritable: true, exeUpperLayer: true, exeSetuid: true } });
    expect(holds('user.uid = 0 and user.name = root and group.name = root and user.loginname = root', root)).toBe(true);
    expect(holds('user.name = root', exec('/bin/sh'))).toBe(false);
    expect(holds('user.name exists', exec('/bin/sh'))).toBe(false);
    expect(holds('proc.is_stdio_socket = true and proc.exe_drift = true and proc.is_exe_upper_layer = true and proc.is_exe_setuid = true and proc.is_exe_writable = true', root)).toBe(true);
    expect(holds('proc.is_stdio_socket = true', exec('/bin/sh', [], { proc: { stdioIsSocket: false } }))).toBe(false);
    expect(holds('proc.is_exe_from_memfd = true', exec('/memfd:x (deleted)'))).toBe(true);
    expect(holds('proc.is_exe_from_memfd = true', exec('/usr/bin/memfd-tool'))).toBe(false);
  });
});

describe('event fields', () => {
  it('compares evt.type with Falco names and aliases', () => {
    const o = open('/etc/hosts', O_RDONLY);
    expect(holds('evt.type = openat', o)).toBe(true);
    expect(holds('evt.type in (open, openat, openat2)', o)).toBe(true);
    expect(holds('evt.type = execve', o)).toBe(false);
    expect(holds('evt.type != openat2', o)).toBe(false);
    expect(holds('evt.type in (execve, execveat)', exec('/bin/ls'))).toBe(true);
    expect(holds('evt.type = accept4', event('accept'))).toBe(true);
    expect(holds('evt.type = fchmodat', event('chmod', { args: { path: '/x', mode: 0o755 } }))).toBe(true);
    expect(holds('evt.type startswith open', o)).toBe(true);
  });

  it('treats events as exit events, and ptrace/setuid also as enter events', () => {
    expect(holds('evt.dir = <', exec('/bin/ls'))).toBe(true);
    expect(holds('evt.dir = >', exec('/bin/ls'))).toBe(false);
    expect(holds('evt.dir = > and evt.type = ptrace', event('ptrace', { args: { request: 16, pid: 1 } }))).toBe(true);
    expect(holds('evt.dir = < and evt.type = setuid', event('setuid', { args: { uid: 0 } }))).toBe(true);
  });

  it('renders results, flags, modes and requests as Falco does', () => {
    expect(holds('evt.res = SUCCESS and evt.rawres = 5 and evt.failed = false', open('/x', O_RDONLY))).toBe(true);
    expect(holds('evt.res = ENOENT and evt.rawres < 0 and evt.failed = true and fd.num = -1', open('/x', O_RDONLY, { res: -2 }))).toBe(true);
    expect(holds('evt.res startswith E', open('/x', O_RDONLY, { res: -13 }))).toBe(true);
    expect(holds('evt.arg.flags = "O_WRONLY|O_CREAT|O_TRUNC" and evt.is_open_write = true and evt.is_open_read = false', open('/x', O_WRONLY | O_CREAT | O_TRUNC))).toBe(true);
    expect(holds('evt.arg.flags contains O_TRUNC', open('/x', O_WRONLY | O_APPEND))).toBe(false);
    expect(holds('evt.is_open_read = true and evt.is_open_write = true', open('/x', O_RDWR))).toBe(true);
    expect(holds('evt.is_open_exec = true', open('/x', O_WRONLY | O_CREAT, { args: { mode: 0o755 } }))).toBe(true);
    expect(holds('evt.is_open_exec = true', open('/x', O_WRONLY | O_CREAT, { args: { mode: 0o644 } }))).toBe(false);
    expect(holds('evt.arg.request = PTRACE_ATTACH and evt.arg.pid = 1', event('ptrace', { args: { request: 16, pid: 1 } }))).toBe(true);
    expect(holds('evt.arg.mode contains S_ISUID and evt.arg.filename = /usr/local/bin/x', event('chmod', { args: { path: '/usr/local/bin/x', mode: 0o4755 } }))).toBe(true);
    expect(holds('evt.rawarg.mode = 2541', event('chmod', { args: { path: '/x', mode: 0o4755 } }))).toBe(true);
    expect(holds('evt.arg.uid = 0 and evt.arg[0] = 0', event('setuid', { args: { uid: 0 } }))).toBe(true);
    expect(holds('evt.arg.name = /etc/shadow and evt.arg[2] = /etc/shadow', open('/etc/shadow', O_RDONLY))).toBe(true);
    expect(holds('evt.arg.newpath = /var/log/x.1', event('rename', { args: { oldpath: '/var/log/x', newpath: '/var/log/x.1' } }))).toBe(true);
  });

  it('numbers events from 1 so evt.num = 0 never holds', () => {
    expect(holds('evt.num = 0', exec('/bin/ls'))).toBe(false);
    expect(holds('evt.num > 0', exec('/bin/ls'))).toBe(true);
  });
});

describe('container and Kubernetes fields', () => {
  it("reads the container, and 'host' outside containers", () => {
    const e = exec('/bin/ls', [], { container: { privileged: true } });
    expect(holds('container.id = 3f4e5d6c7b8a and container.full_id startswith 3f4e5d6c7b8a99', e)).toBe(true);
    expect(holds('container.image.repository = registry.example/shop/api and container.image.tag = 2.4.1', e)).toBe(true);
    expect(holds('container.image.digest startswith sha256:abab and container.name = shop-api and container.privileged = true', e)).toBe(true);
    expect(holds('k8s.ns.name = shop and k8s.pod.name = api-5c8b and k8s.pod.label[app] = api and k8s.pod.labels = "app:api"', e)).toBe(true);
    const host = exec('/bin/ls', [], { container: null });
    expect(holds('container.id = host and container.name = host', host)).toBe(true);
    expect(holds('container.image.repository exists', host)).toBe(false);
    expect(holds('container.image.repository = nginx', exec('/x', [], { container: { image: 'nginx@sha256:' + 'c'.repeat(64) } }))).toBe(true);
    expect(holds('container.image.repository = localhost:5000/app and container.image.tag = v1', exec('/x', [], { container: { image: 'localhost:5000/app:v1' } }))).toBe(true);
  });
});

describe('file and network fields', () => {
  it('splits file paths', () => {
    const o = open('/etc/ssh/sshd_config', O_RDONLY);
    expect(holds('fd.name = /etc/ssh/sshd_config and fd.directory = /etc/ssh and fd.filename = sshd_config', o)).toBe(true);
    expect(holds("fd.typechar = 'f' and fd.type = file and fd.num = 5", o)).toBe(true);
    expect(holds('fd.directory = /', open('/init', O_RDONLY))).toBe(true);
  });

  it('reads connection ends and compares networks', () => {
    const c = connect('93.184.216.34', 443);
    expect(holds('fd.sip = 93.184.216.34 and fd.sport = 443 and fd.cip = "172.17.0.2" and fd.cport = 41234', c)).toBe(true);
    expect(holds('fd.rip = 93.184.216.34 and fd.rport = 443 and fd.lip = 172.17.0.2 and fd.lport = 41234', c)).toBe(true);
    expect(holds('fd.typechar = 4 and fd.type = ipv4 and fd.l4proto = tcp and fd.sockfamily = ip', c)).toBe(true);
    expect(holds('fd.name = "172.17.0.2:41234->93.184.216.34:443"', c)).toBe(true);
    expect(holds('fd.snet = "93.184.0.0/16" and fd.cnet = "172.16.0.0/12" and fd.net = "172.16.0.0/12"', c)).toBe(true);
    expect(holds('fd.snet in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")', c)).toBe(false);
    expect(holds('fd.net != "127.0.0.0/8" and fd.ip != "0.0.0.0"', c)).toBe(true);
    expect(holds('fd.ip = 172.17.0.2 and fd.port = 443', c)).toBe(true);
    expect(holds('fd.sip in (1.1.1.1, 93.184.216.34)', c)).toBe(true);
    const acc = event('accept', { fd: { typechar: '4', l4proto: 'tcp', cip: '198.51.100.7', cport: 50000, sip: '10.0.0.5', sport: 22 } });
    expect(holds('fd.lport = 22 and fd.rip = 198.51.100.7 and fd.lnet = "10.0.0.0/8" and fd.rnet = "198.51.100.0/24"', acc)).toBe(true);
    const v6 = connect('2001:db8::1', 443);
    expect(holds('fd.sip = "2001:0db8:0:0::1" and fd.snet = "2001:db8::/32" and fd.typechar = 6', v6)).toBe(true);
    expect(holds('fd.sip = "10.0.0.1"', connect('::ffff:10.0.0.1', 80))).toBe(true);
  });

  it('has no DNS names: rules needing them are disabled, exclusions on them never apply', () => {
    expect(disabledBy('evt.type = connect and fd.sip.name = example.com')).toMatchObject({ reason: 'field-never-available', field: 'fd.sip.name' });
    expect(holds('evt.type = connect and not fd.sip.name in (example.com)', connect('1.2.3.4', 80))).toBe(true);
  });
});

describe('operators', () => {
  const e = exec('/usr/bin/curl', ['-sSL', 'HTTP://Example.com/Install.sh']);
  it('compares text', () => {
    expect(holds('proc.args contains Example', e)).toBe(true);
    expect(holds('proc.args contains example', e)).toBe(false);
    expect(holds('proc.args icontains EXAMPLE.COM', e)).toBe(true);
    expect(holds('proc.exe startswith /usr/ and proc.exe endswith /curl', e)).toBe(true);
    expect(holds('proc.exe glob "/usr/*/c?rl"', e)).toBe(true);
    expect(holds('proc.exe glob "/usr/[ab]in/*"', e)).toBe(true);
    expect(holds('proc.exe glob "/usr/[!b]in/*"', e)).toBe(false);
    expect(holds('proc.args iglob "*http://*"', e)).toBe(true);
    expect(holds('proc.exe bcontains 6375726c', e)).toBe(true);
    expect(holds('proc.exe bstartswith 2f757372', e)).toBe(true);
    expect(holds('proc.exe bstartswith 2f626966', e)).toBe(false);
  });

  it('matches path prefixes with pmatch', () => {
    expect(holds('fd.name pmatch (/etc/apt, /usr/lib)', open('/etc/apt/sources.list', O_RDONLY))).toBe(true);
    expect(holds('fd.name pmatch (/etc/apt)', open('/etc/apt', O_RDONLY))).toBe(true);
    expect(holds('fd.name pmatch (/etc/apt)', open('/etc/aptitude', O_RDONLY))).toBe(false);
    expect(holds('fd.name pmatch (/)', open('/x', O_RDONLY))).toBe(true);
  });

  it('compares numbers, including hex, and rejects nonsense at load time', () => {
    expect(holds('proc.pid = 0x1092 and proc.pid >= 4242 and proc.pid < 4243 and proc.pid in (1, 4242)', e)).toBe(true);
    expect(compileError('proc.pid = abc')).toMatch(/proc.pid is a number, "abc" is not/);
    expect(compileError('proc.name > 3')).toMatch(/operator > needs a number field/);
    expect(compileError('proc.pid contains 3')).toMatch(/operator contains does not apply to proc.pid/);
    expect(compileError('container.privileged = maybe')).toMatch(/true or false/);
    expect(compileError('fd.sip = not-an-ip')).toMatch(/IP address/);
    expect(compileError('proc.aname[x] = a')).toMatch(/expected a number/);
    expect(compileError('proc.name[1] = a')).toMatch(/takes no argument/);
  });

  it('checks existence', () => {
    expect(holds('proc.pname exists and not fd.name exists', e)).toBe(true);
    expect(holds('proc.args exists', exec('/bin/ls', []))).toBe(false);
  });

  it('applies transformers and val()', () => {
    expect(holds('tolower(proc.args) contains "http://example.com"', e)).toBe(true);
    expect(holds('toupper(proc.name) = CURL and basename(proc.exe) = curl', e)).toBe(true);
    expect(holds('len(proc.args) > 20 and len(proc.name) = 4', e)).toBe(true);
    expect(holds('b64(proc.args) = "echo hi"', exec('/bin/x', ['ZWNobyBoaQ==']))).toBe(true);
    expect(holds('proc.name = val(proc.pname)', exec('/bin/sh', [], { proc: { ancestors: ['sh'] } }))).toBe(true);
    expect(holds('proc.name = val(proc.pname)', e)).toBe(false);
    expect(holds('proc.pid > val(proc.ppid)', e)).toBe(true);
    expect(compileError('tolower(proc.pid) = 1')).toMatch(/tolower\(\) needs a text field/);
  });

  it('treats a missing value as false whatever the operator', () => {
    expect(holds('proc.cwd != /tmp', exec('/bin/ls', [], { proc: { cwd: undefined } }))).toBe(false);
    expect(holds('not proc.cwd = /tmp', exec('/bin/ls', [], { proc: { cwd: undefined } }))).toBe(true);
  });
});

describe('Kubernetes audit fields', () => {
  const pod = audit({
    objectRef: { resource: 'pods', namespace: 'kube-system', name: 'evil' },
    requestObject: {
      spec: {
        hostNetwork: true,
        containers: [
          { name: 'a', image: 'docker.io/library/nginx:1.27', securityContext: { privileged: true } },
          { name: 'b', image: 'busybox' },
        ],
        volumes: [{ name: 'h', hostPath: { path: '/var/run/docker.sock' } }],
      },
    },
  });
  it('reads request, user, target and pod spec', () => {
    expect(holds('ka.verb = create and ka.user.name = alice and ka.target.resource = pods and not ka.target.subresource exists', pod)).toBe(true);
    expect(holds('ka.target.namespace = kube-system and ka.target.name = evil and ka.response.code startswith 2 and ka.auth.decision = allow', pod)).toBe(true);
    expect(holds('ka.req.pod.containers.privileged intersects (true) and ka.req.pod.host_network intersects (true)', pod)).toBe(true);
    expect(holds('ka.req.pod.containers.image.repository in (docker.io/library/nginx, busybox)', pod)).toBe(true);
    expect(holds('ka.req.pod.containers.image.repository in (docker.io/library/nginx)', pod)).toBe(false);
    expect(holds('ka.req.pod.containers.image.repository intersects (docker.io/library/nginx)', pod)).toBe(true);
    expect(holds('ka.req.pod.volumes.hostpath intersects (/proc, /var/run/docker.sock)', pod)).toBe(true);
    expect(holds('jevt.value[/stage] = ResponseComplete and jevt.value[/requestObject/spec/containers/1/image] = busybox and jevt.rawtime exists', pod)).toBe(true);
    expect(holds('ka.user.groups intersects ("system:authenticated")', pod)).toBe(true);
  });
  it('reads bindings, roles, config maps and URI parameters', () => {
    const binding = audit({ objectRef: { resource: 'clusterrolebindings', name: 'x' }, requestObject: { roleRef: { name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'mallory' }] } });
    expect(holds('ka.req.binding.role = cluster-admin and ka.req.binding.subjects intersects (mallory)', binding)).toBe(true);
    const role = audit({ objectRef: { resource: 'clusterroles' }, requestObject: { rules: [{ verbs: ['get', '*'], resources: ['pods/exec'] }] } });
    expect(holds('ka.req.role.rules.verbs intersects ("*") and ka.req.role.rules.resources intersects ("pods/exec")', role)).toBe(true);
    const cm = audit({ objectRef: { resource: 'configmaps' }, requestObject: { metadata: { name: 'cfg' }, data: { db_password: 'x' } } });
    expect(holds('ka.req.configmap.obj contains password and ka.req.configmap.name = cfg', cm)).toBe(true);
    const execEvt = audit({ stage: 'ResponseStarted', requestURI: '/api/v1/namespaces/a/pods/p/exec?command=sh&command=-c&container=c', objectRef: { resource: 'pods', subresource: 'exec' } });
    expect(holds('ka.uri.param[command] = "sh -c" and ka.target.subresource in (exec, attach)', execEvt)).toBe(true);
  });
  it('keeps syscall and audit fields apart', () => {
    const rs = loadRules([{ path: 'k.yaml', text: '- rule: K\n  desc: d\n  condition: proc.name = x\n  output: o\n  priority: INFO\n  source: k8s_audit' }]);
    expect(rs.disabled[0]).toMatchObject({ rule: 'K', reason: 'unknown-field', field: 'proc.name' });
  });
});

describe('unknown fields and event types', () => {
  it('disables a rule with the exact missing field, and keeps the rest running', () => {
    const rs = loadRules([
      {
        path: 'u.yaml',
        text: `
- rule: Needs env
  desc: d
  condition: evt.type = execve and proc.env contains HTTP_PROXY and thread.cap_effective contains X
  output: o
  priority: INFO
- rule: Typo
  desc: d
  condition: evt.type = execve and proc.nmae = bash
  output: o
  priority: INFO
- rule: Fine
  desc: d
  condition: evt.type = execve and proc.name = bash
  output: o
  priority: INFO`,
      },
    ]);
    expect(rs.disabled).toEqual([
      expect.objectContaining({ rule: 'Needs env', reason: 'unknown-field', field: 'proc.env', fields: ['proc.env', 'thread.cap_effective'], file: 'u.yaml', line: 2 }),
      expect.objectContaining({ rule: 'Typo', reason: 'unknown-field', field: 'proc.nmae' }),
    ]);
    expect(rs.evaluate(exec('/bin/bash')).map((a) => a.rule)).toEqual(['Fine']);
  });

  it('drops branches for event types the sensor never produces before judging fields', () => {
    const rs = loadRules([
      {
        path: 'b.yaml',
        text: `
- rule: Mixed
  desc: d
  condition: (evt.type = connect and fd.sport = 4444) or (evt.type = sendto and fd.connected = false)
  output: o
  priority: INFO
- rule: Socket only
  desc: d
  condition: evt.type = socket and evt.arg.domain contains AF_PACKET
  output: o
  priority: INFO`,
      },
    ]);
    expect(rs.disabled).toEqual([expect.objectContaining({ rule: 'Socket only', reason: 'event-type-unavailable', field: 'evt.type', detail: expect.stringContaining('socket') })]);
    expect(rs.evaluate(connect('1.2.3.4', 4444)).map((a) => a.rule)).toEqual(['Mixed']);
  });

  it('derives the event types of a condition and indexes rules by them', () => {
    expect(eventTypesOf(parseCondition('evt.type in (open, openat) and fd.name = x'))).toEqual(['open']);
    expect(eventTypesOf(parseCondition('evt.type = execve or evt.type = connect'))).toEqual(['execve', 'connect']);
    expect(eventTypesOf(parseCondition('not evt.type in (open, execve)')).includes('open')).toBe(false);
    expect(eventTypesOf(parseCondition('not (evt.type = open and fd.name = x)')).length).toBe(16);
    expect(eventTypesOf(parseCondition('proc.name = x')).length).toBe(16);
    const rs = loadRules([{ path: 'i.yaml', text: '- rule: A\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n- rule: B\n  desc: d\n  condition: proc.name = x\n  output: o\n  priority: INFO' }]);
    const idx = rs.index();
    expect(idx.byType.open).toEqual(['A']);
    expect(idx.byType.execve).toEqual([]);
    expect(idx.all).toEqual(['B']);
    expect(rs.rules.map((r) => r.eventTypes)).toEqual([['open'], 'all']);
    expect(rs.evaluate(exec('/x', [], { proc: { name: 'x' } })).map((a) => a.rule)).toEqual(['B']);
  });

  it('never throws on malformed events; it counts them', () => {
    const rs = loadRules([{ path: 'm.yaml', text: '- rule: A\n  desc: d\n  condition: evt.type = execve and proc.aname = x\n  output: o\n  priority: INFO' }]);
    const broken = { source: 'syscall', type: 'execve', time: 1, proc: { name: 'x', ancestors: 5 } } as unknown as SyscallEvent;
    expect(rs.evaluate(broken)).toEqual([]);
    expect(rs.evalErrors).toBe(1);
    expect(rs.evaluate({ source: 'nope' } as unknown as RuntimeEvent)).toEqual([]);
    expect(rs.evaluate({ source: 'syscall', type: 'execve', time: 1 } as unknown as RuntimeEvent)).toEqual([]);
    expect(rs.evalErrors).toBe(2);
  });
});

describe('formatOutput', () => {
  it('substitutes fields, arguments, container.info and <NA>', () => {
    const e = open('/etc/shadow', O_RDONLY, { proc: { name: 'cat', args: ['/etc/shadow'], ancestors: ['bash', 'sshd'] } });
    expect(formatOutput('file=%fd.name cmd=%proc.cmdline gp=%proc.aname[2] flags=%evt.arg.flags nope=%proc.env x=%%', e)).toBe('file=/etc/shadow cmd=cat /etc/shadow gp=sshd flags=O_RDONLY nope=<NA> x=%');
    expect(formatOutput('(%container.info)', e)).toBe('(container_id=3f4e5d6c7b8a container_name=shop-api container_image_repository=registry.example/shop/api container_image_tag=2.4.1 k8s_ns_name=shop k8s_pod_name=api-5c8b)');
    expect(formatOutput('%toupper(proc.name) fd_proto=fd.l4proto', e)).toBe('CAT fd_proto=fd.l4proto');
    expect(formatOutput('user=%ka.user.name verb=%ka.verb', audit({}))).toBe('user=alice verb=create');
  });
});
