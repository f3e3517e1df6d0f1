import { describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../events.js';
import { loadRules, RulesLoadError, type RuleSet } from './index.js';
import type { ResolveStats } from './resolve.js';
import { exec, open, O_RDONLY, O_WRONLY } from './testdata/events.js';
import { expectComparableCost } from '../../../test/helpers/relative-time.js';

const load = (...texts: string[]) => loadRules(texts.map((text, i) => ({ path: `f${i + 1}.yaml`, text })));
const loadCounting = (text: string) => {
  const stats: ResolveStats = { macrosResolved: 0, listsExpanded: 0, listItems: 0 };
  return { rs: loadRules([{ path: 'f1.yaml', text }], { stats }), stats };
};
const fired = (rs: RuleSet, e: RuntimeEvent) => rs.evaluate(e).map((a) => a.rule);

function loadError(...texts: string[]): RulesLoadError {
  try {
    load(...texts);
  } catch (e) {
    if (e instanceof RulesLoadError) return e;
    throw e;
  }
  throw new Error('expected a load error');
}

const rule = (name: string, condition: string, extra = '') => `
- rule: ${name}
  desc: test rule ${name}
  condition: ${condition}
  output: "${name} fired by %proc.name"
  priority: WARNING
${extra}`;

describe('lists and macros', () => {
  it('expands lists inside lists and keeps unknown names as literal values', () => {
    const rs = load(`
- list: shells
  items: [sh, bash]
- list: all_shells
  items: [shells, zsh, '"(weird)"']
- macro: shell
  condition: proc.name in (all_shells, fish)
${rule('Shell', 'evt.type = execve and shell')}
${rule('Literal', 'evt.type = execve and proc.name in (not_a_list)')}`);
    expect(fired(rs, exec('/bin/bash'))).toEqual(['Shell']);
    expect(fired(rs, exec('/usr/bin/zsh'))).toEqual(['Shell']);
    expect(fired(rs, exec('/usr/bin/fish'))).toEqual(['Shell']);
    expect(fired(rs, exec('/x', [], { proc: { name: '(weird)' } }))).toEqual(['Shell']);
    expect(fired(rs, exec('/x', [], { proc: { name: 'not_a_list' } }))).toEqual(['Literal']);
    expect(fired(rs, exec('/usr/bin/node'))).toEqual([]);
  });

  it('lets macros use macros and lists defined later in the file', () => {
    const rs = load(`
${rule('Late', 'spawned and named')}
- macro: spawned
  condition: evt.type = execve
- macro: named
  condition: proc.name in (names)
- list: names
  items: [curl]`);
    expect(fired(rs, exec('/usr/bin/curl'))).toEqual(['Late']);
  });

  it('appends (old style) and overrides lists and macros', () => {
    const rs = load(
      `
- list: tools
  items: [curl]
- macro: tool
  condition: proc.name in (tools)
${rule('Tool', 'evt.type = execve and tool')}`,
      `
- list: tools
  append: true
  items: [wget]
- list: tools
  items: [nc]
  override:
    items: append
- macro: tool
  condition: or proc.name = socat
  override:
    condition: append`,
    );
    for (const t of ['curl', 'wget', 'nc', 'socat']) expect(fired(rs, exec(`/usr/bin/${t}`))).toEqual(['Tool']);
    const replaced = load(
      `
- list: tools
  items: [curl]
${rule('Tool', 'evt.type = execve and proc.name in (tools)')}`,
      `
- list: tools
  items: [wget]
  override:
    items: replace`,
    );
    expect(fired(replaced, exec('/usr/bin/curl'))).toEqual([]);
    expect(fired(replaced, exec('/usr/bin/wget'))).toEqual(['Tool']);
  });

  it('redefining an item replaces it', () => {
    const rs = load(`
- macro: m
  condition: proc.name = a
- macro: m
  condition: proc.name = b
${rule('R', 'evt.type = execve and m')}`);
    expect(fired(rs, exec('/a'))).toEqual([]);
    expect(fired(rs, exec('/b'))).toEqual(['R']);
  });

  it('detects list and macro cycles and undefined macros, with positions', () => {
    const cyc = loadError(`
- macro: a
  condition: b
- macro: b
  condition: a
${rule('Cycle', 'a')}`);
    expect(cyc.problems[0]!.message).toMatch(/macro cycle: a -> b -> a|macro cycle: b -> a -> b/);
    expect(cyc.problems[0]!.file).toBe('f1.yaml');
    expect(cyc.problems[0]!.line).toBeGreaterThan(1);
    const lcyc = loadError(`
- list: x
  items: [y]
- list: y
  items: [x]
${rule('L', 'proc.name in (x)')}`);
    expect(lcyc.problems[0]!.message).toMatch(/list cycle/);
    const undef = loadError(rule('U', 'evt.type = execve and\n    not nosuchmacro'));
    expect(undef.problems[0]).toMatchObject({ file: 'f1.yaml', line: 5, col: 9, item: 'rule "U"' });
    expect(undef.problems[0]!.message).toContain('undefined macro "nosuchmacro"');
    expect(undef.where).toBe('f1.yaml:5:9');
    expect(undef.code).toBe('RULES_INVALID');
  });
});

describe('rules: append, override, enabled, priority, tags', () => {
  const base = rule('Open etc', 'evt.type = open and fd.name startswith /etc/', '  tags: [filesystem]');

  it('appends to a condition (old style and override) and replaces output/priority/desc', () => {
    const rs = load(
      base,
      `
- rule: Open etc
  append: true
  condition: and not proc.name = cat
- rule: Open etc
  condition: and not proc.name = less
  output: "replaced output %fd.name"
  priority: CRITICAL
  desc: new description
  tags: [mitre_credential_access]
  override:
    condition: append
    output: replace
    priority: replace
    desc: replace
    tags: append`,
    );
    expect(fired(rs, open('/etc/hosts', O_RDONLY))).toEqual(['Open etc']);
    expect(fired(rs, open('/etc/hosts', O_RDONLY, { proc: { name: 'cat' } }))).toEqual([]);
    expect(fired(rs, open('/etc/hosts', O_RDONLY, { proc: { name: 'less' } }))).toEqual([]);
    const [a] = rs.evaluate(open('/etc/hosts', O_RDONLY));
    expect(a).toMatchObject({ priority: 'Critical', output: 'replaced output /etc/hosts', tags: ['filesystem', 'mitre_credential_access'] });
    expect(rs.rules[0]!.desc).toBe('new description');
  });

  it('enables and disables rules (override and the old enabled-only form)', () => {
    const off = load(base, '- rule: Open etc\n  enabled: false');
    expect(fired(off, open('/etc/hosts', O_RDONLY))).toEqual([]);
    expect(off.rules[0]).toMatchObject({ enabled: false, active: false });
    const on = load(base.replace('priority: WARNING', 'priority: WARNING\n  enabled: false'), '- rule: Open etc\n  enabled: true\n  override:\n    enabled: replace');
    expect(fired(on, open('/etc/hosts', O_RDONLY))).toEqual(['Open etc']);
  });

  it('accepts every Falco priority and filters by minimum priority', () => {
    for (const p of ['EMERGENCY', 'alert', 'Critical', 'ERROR', 'warning', 'NOTICE', 'INFORMATIONAL', 'info', 'DEBUG']) {
      expect(load(rule('P', 'evt.type = execve').replace('WARNING', p)).rules[0]!.priority).toMatch(/^[A-Z][a-z]+$/);
    }
    const text = rule('Low', 'evt.type = execve').replace('WARNING', 'DEBUG') + rule('High', 'evt.type = execve').replace('WARNING', 'CRITICAL');
    const rs = loadRules([{ path: 'p.yaml', text }], { minPriority: 'warning' });
    expect(fired(rs, exec('/bin/x'))).toEqual(['High']);
    expect(rs.rules.find((r) => r.name === 'Low')?.active).toBe(false);
    expect(loadError(rule('Bad', 'evt.type = execve').replace('WARNING', 'LOUD')).problems[0]!.message).toMatch(/unknown priority "LOUD"/);
  });

  it('evaluates rules in load order and honours matching: first', () => {
    const text = rule('A', 'evt.type = execve') + rule('B', 'evt.type = execve and proc.name = x') + rule('C', 'proc.name = x');
    expect(fired(load(text), exec('/x'))).toEqual(['A', 'B', 'C']);
    expect(loadRules([{ path: 'o.yaml', text }], { matching: 'first' }).evaluate(exec('/x')).map((a) => a.rule)).toEqual(['A']);
  });

  it('rejects bad append/override use with the rule name and position', () => {
    expect(loadError('- rule: Nope\n  append: true\n  condition: and x').problems[0]!.message).toMatch(/no rule "Nope" defined before/);
    const e = loadError(base, '- rule: Open etc\n  output: x\n  override:\n    output: append\n    priority: replace');
    expect(e.problems[0]).toMatchObject({ item: 'rule "Open etc"', file: 'f2.yaml' });
    expect(e.problems[0]!.message).toMatch(/override names "priority"|cannot be/);
    expect(loadError(base, '- rule: Open etc\n  condition: x\n  desc: y\n  override:\n    condition: append').problems[0]!.message).toMatch(/must be listed in override/);
    expect(loadError(base, '- rule: Open etc\n  priority: ERROR\n  append: true').problems[0]!.message).toMatch(/only add to condition and exceptions/);
    expect(loadError(base, '- rule: Open etc\n  condition: x\n  append: true\n  override:\n    condition: append').problems[0]!.message).toMatch(/cannot be used together|must be listed/);
  });
});

describe('exceptions', () => {
  it('builds tuple, single-field and default-comps exceptions, with list values', () => {
    const rs = load(`
- list: allowed_files
  items: [/etc/hosts]
${rule(
  'Write etc',
  'evt.type = open and evt.is_open_write = true and fd.name startswith /etc/',
  `  exceptions:
    - name: proc_file
      fields: [proc.name, fd.name]
      comps: [=, in]
      values:
        - [vi, [allowed_files, /etc/motd]]
    - name: by_dir
      fields: [proc.name, fd.directory]
      values:
        - [puppet, /etc/puppet]
    - name: names
      fields: proc.name
      values: [confd, dpkg]
    - name: later
      fields: ["proc.aname[2]", fd.name]
      comps: [=, startswith]`,
)}
- rule: Write etc
  exceptions:
    - name: later
      values:
        - [ansible, /etc/ansible/]
  append: true`);
    const w = (path: string, name: string, ancestors = ['sh', 'init']) => fired(rs, open(path, O_WRONLY, { proc: { name, ancestors } }));
    expect(w('/etc/passwd', 'evil')).toEqual(['Write etc']);
    expect(w('/etc/hosts', 'vi')).toEqual([]);
    expect(w('/etc/motd', 'vi')).toEqual([]);
    expect(w('/etc/passwd', 'vi')).toEqual(['Write etc']);
    expect(w('/etc/puppet/x.conf', 'puppet')).toEqual([]);
    expect(w('/etc/puppet/sub/x.conf', 'puppet')).toEqual(['Write etc']);
    expect(w('/etc/anything', 'confd')).toEqual([]);
    expect(w('/etc/ansible/hosts', 'python3', ['sh', 'ansible'])).toEqual([]);
    expect(w('/etc/ansible/hosts', 'python3', ['sh', 'bash'])).toEqual(['Write etc']);
  });

  it('reports malformed exceptions at their position', () => {
    const e = loadError(
      rule(
        'E',
        'evt.type = open',
        `  exceptions:
    - name: bad
      fields: [proc.name, fd.name]
      comps: [=]
      values:
        - [a, b]`,
      ),
    );
    expect(e.problems[0]!.message).toMatch(/exception "bad": has 2 fields but 1 comps/);
    expect(e.problems[0]!.line).toBe(8);
    const single = loadError(rule('S', 'evt.type = open', '  exceptions:\n    - name: s\n      fields: proc.name\n      comps: "="\n      values: [a]'));
    expect(single.problems[0]!.message).toMatch(/single-field form needs comps in/);
  });
});

describe('file structure, versions, sources, hostile YAML', () => {
  it('checks required_engine_version and notes required_plugin_versions', () => {
    expect(load('- required_engine_version: 26').rules).toEqual([]);
    expect(load("- required_engine_version: '0.31.0'").rules).toEqual([]);
    expect(loadError('- required_engine_version: 9999').problems[0]!.message).toMatch(/engine version 9999/);
    const rs = load('- required_plugin_versions:\n  - name: k8saudit\n    version: 0.6.0');
    expect(rs.notes[0]!.message).toMatch(/required_plugin_versions ignored/);
  });

  it('lists rules of unsupported sources as disabled', () => {
    const rs = load(rule('Cloud', 'ct.name = CreateUser', '  source: aws_cloudtrail'));
    expect(rs.disabled).toEqual([expect.objectContaining({ rule: 'Cloud', reason: 'source-unsupported' })]);
  });

  it('reports YAML and structure errors with positions', () => {
    expect(loadError('- rule: x\n  desc: [unclosed').problems[0]).toMatchObject({ file: 'f1.yaml', line: expect.any(Number) });
    expect(loadError('rule: not a list').problems[0]!.message).toMatch(/YAML list of items/);
    expect(loadError('- just a string').problems[0]!.message).toMatch(/must be a map/);
    expect(loadError('- something: else').problems[0]!.message).toMatch(/unknown item/);
    const missing = loadError('- rule: R\n  condition: evt.type = execve\n  priority: INFO');
    expect(missing.problems.map((p) => p.message)).toEqual(expect.arrayContaining(['missing "output"', 'missing "desc"']));
    expect(loadError('- rule: R\n  rule: S').problems[0]!.message).toMatch(/YAML error/);
  });

  it('points condition syntax errors at the file line and column, also in folded scalars', () => {
    const e = loadError(`- rule: Folded
  desc: d
  output: o
  priority: INFO
  condition: >
    evt.type = execve
    and proc.name in (a, b
`);
    expect(e.problems[0]).toMatchObject({ file: 'f1.yaml', line: 7, item: 'rule "Folded"' });
    expect(e.problems[0]!.message).toMatch(/condition syntax error/);
    const m = loadError('- macro: mm\n  condition: "proc.name = a and ( b"\n');
    expect(m.problems[0]).toMatchObject({ file: 'f1.yaml', line: 2, item: 'macro "mm"' });
  });

  it('survives YAML alias bombs and huge inputs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    const text = `- list: big\n  items:\n${bomb.map((l) => `    - ${l.replace(/^(\w): /, '')}`).join('\n')}`;
    // Refused while reading the YAML, by the alias limit (10·9^12 items if expanded): the vitest timeout is the hang guard.
    expect(() => load(text)).toThrow(expect.objectContaining({ code: 'RULES_INVALID', message: expect.stringMatching(/too many YAML aliases/) }));
    expect(() => load('#'.repeat(17 * 1024 * 1024))).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });

  it('bounds macro nesting, shares repeated macros and handles huge lists', () => {
    const chain = Array.from({ length: 200 }, (_, i) => `- macro: m${i}\n  condition: ${i === 199 ? 'proc.name = x' : `m${i + 1}`}`).join('\n');
    expect(loadError(chain + rule('Deep', 'm0')).problems[0]!.message).toMatch(/macros nest deeper than 32/);
    // m0 = m1 and m1, m1 = m2 and m2, …: 2^25 paths if expanded naively.
    const dag = Array.from({ length: 26 }, (_, i) => `- macro: d${i}\n  condition: ${i === 25 ? 'proc.name = x' : `(d${i + 1} and d${i + 1})`}`).join('\n');
    const dagRules = dag + rule('Dag', 'evt.type = execve and d0');
    const { rs, stats } = loadCounting(dagRules);
    expect(stats.macrosResolved).toBe(26);
    expect(fired(rs, exec('/x'))).toEqual(['Dag']);
    // The whole load (folding and compiling too, not only resolution) costs about what a chain of as many macros costs, each used once.
    const sameSize = Array.from({ length: 26 }, (_, i) => `- macro: d${i}\n  condition: ${i === 25 ? 'proc.name = x' : `(d${i + 1} and proc.name = y${i})`}`).join('\n');
    expectComparableCost(() => load(dagRules), () => load(sameSize + rule('Chain', 'evt.type = execve and d0')), 'macro graph load');
    // Lists of lists: 200 names × 1,000 references = 200,000 items after expansion; l0 is expanded once, not once per reference.
    const names = Array.from({ length: 200 }, (_, i) => `p${i}`).join(', ');
    const refs = Array.from({ length: 1000 }, () => 'l0').join(', ');
    const { rs: big, stats: bigStats } = loadCounting(`- list: l0\n  items: [${names}]\n- list: l1\n  items: [${refs}]\n` + rule('Big', 'evt.type = execve and proc.name in (l1)'));
    expect(bigStats).toEqual({ macrosResolved: 0, listsExpanded: 2, listItems: 200 + 200_000 });
    expect(fired(big, exec('/p199'))).toEqual(['Big']);
    expect(fired(big, exec('/q1'))).toEqual([]);
    const huge = loadError(`- list: l0\n  items: [${names}]\n- list: l1\n  items: [${refs}]\n- list: l2\n  items: [${Array.from({ length: 10 }, () => 'l1').join(', ')}]\n` + rule('Huge', 'proc.name in (l2)'));
    expect(huge.problems[0]!.message).toMatch(/list expands to more than 1000000 items/);
  });

  it('accepts an empty file and null items', () => {
    expect(load('').rules).toEqual([]);
    const rs = load('-\n' + rule('R', 'evt.type = execve'));
    expect(rs.rules.map((r) => r.name)).toEqual(['R']);
    expect(rs.notes[0]!.message).toMatch(/empty item/);
  });
});
