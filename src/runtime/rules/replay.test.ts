import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRuleFile, loadRules, readAuditLog, replay } from './index.js';
import { audit, connect, exec, open, O_RDONLY } from './testdata/events.js';

const stream = (text: string | Buffer[]) => (typeof text === 'string' ? Readable.from([Buffer.from(text)]) : Readable.from(text));
const rules = () => loadRules([defaultRuleFile(), { path: 'k.yaml', text: '- rule: Exec into pod\n  desc: d\n  condition: ka.target.subresource = exec\n  output: "exec by %ka.user.name"\n  priority: NOTICE\n  source: k8s_audit' }]);

describe('replay', () => {
  it('re-runs recorded events, counting and reporting invalid lines', async () => {
    const lines = [
      JSON.stringify(exec('/bin/bash', [], { proc: { ancestors: ['runc'] } })),
      '',
      JSON.stringify(open('/etc/shadow', O_RDONLY, { proc: { name: 'cat' } })) + '\r',
      '{not json',
      JSON.stringify({ source: 'syscall', type: 'execve', time: 1 }),
      JSON.stringify({ source: 'martian' }),
      JSON.stringify(connect('198.51.100.1', 3333)),
      JSON.stringify(audit({ objectRef: { resource: 'pods', subresource: 'exec' } }).event),
      JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'EventList', items: [audit({ objectRef: { subresource: 'exec' }, user: { username: 'eve' } }).event] }),
      JSON.stringify(audit({}).event),
    ];
    const r = await replay(stream(lines.join('\n') + '\n'), rules());
    expect(r).toMatchObject({ lines: 10, events: 6, invalid: 3 });
    expect(r.problems).toEqual([
      { line: 4, message: expect.stringMatching(/^not JSON/) },
      { line: 5, message: expect.stringMatching(/^proc/) },
      { line: 6, message: expect.stringMatching(/source/) },
    ]);
    expect(r.alerts.map((a) => a.rule)).toEqual(['Shell started in container', 'Credential file read in container', 'Connection to a crypto-mining pool port', 'Exec into pod', 'Exec into pod']);
    expect(r.alerts.at(-1)!.output).toBe('exec by eve');
    expect(r.alertCount).toBe(5);
  });

  it('streams alerts to a callback and survives a line with no end', async () => {
    const seen: string[] = [];
    const huge = 'x'.repeat(3000);
    const chunks = [Buffer.from(JSON.stringify(exec('/bin/sh', [], { proc: { ancestors: ['runc'] } })) + '\n' + huge.slice(0, 1500)), Buffer.from(huge.slice(1500) + '\n' + JSON.stringify(exec('/bin/sh', [], { proc: { ancestors: ['runc'] } })))];
    const r = await replay(stream(chunks), rules(), { onAlert: (a) => void seen.push(a.rule), maxLineBytes: 1000 });
    expect(seen).toEqual(['Shell started in container', 'Shell started in container']);
    expect(r.alerts).toEqual([]);
    expect(r).toMatchObject({ events: 2, invalid: 1, alertCount: 2 });
    expect(r.problems[0]!.message).toMatch(/longer than 1000 bytes/);
  });

  it('never throws on arbitrary bytes', async () => {
    const rs = rules();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), async (parts) => {
        const r = await replay(stream(parts.map((p) => Buffer.from(p))), rs, { maxLineBytes: 200 });
        expect(r.events + r.invalid).toBeLessThanOrEqual(r.lines + 1);
      }),
      { numRuns: 150 },
    );
  });
});

describe('readAuditLog', () => {
  it('reads Events and EventLists and reports the rest', async () => {
    const lines = [
      JSON.stringify(audit({ verb: 'get' }).event),
      JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'EventList', items: [audit({ verb: 'list' }).event, audit({ verb: 'watch' }).event] }),
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod' }),
      '[1,2',
    ];
    const r = await readAuditLog(stream(lines.join('\n')));
    expect(r.events.map((e) => e.event.verb)).toEqual(['get', 'list', 'watch']);
    expect(r.events[0]!.time).toBe(Date.parse('2024-05-01T10:00:00.123Z') * 1e6 + 456000);
    expect(r).toMatchObject({ lines: 4, invalid: 2 });
    expect(r.problems.map((p) => p.line)).toEqual([3, 4]);
    await expect(readAuditLog(stream(lines.slice(0, 2).join('\n')), { maxEvents: 2 })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });
});
