import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnTable, connJson, connText, hasPort, isAllSet, PROTOCOLS, portSet, type Protocol } from './ports.js';

describe('connection sets', () => {
  it('union, intersection and difference per protocol, with "all" as the identity', () => {
    const t = new ConnTable();
    const tcp80 = t.intern(portSet('TCP', 80));
    const tcp79to81 = t.intern(portSet('TCP', 79, 81));
    const udp53 = t.intern(portSet('UDP', 53));
    expect(connText(t.get(t.union(tcp80, udp53)))).toBe('TCP 80,UDP 53');
    expect(connText(t.get(t.intersect(tcp80, tcp79to81)))).toBe('TCP 80');
    expect(connText(t.get(t.subtract(tcp79to81, tcp80)))).toBe('TCP 79,TCP 81');
    expect(t.intersect(tcp80, udp53)).toBe(ConnTable.EMPTY);
    expect(t.intersect(ConnTable.ALL, tcp80)).toBe(tcp80);
    expect(t.union(ConnTable.EMPTY, udp53)).toBe(udp53);
    expect(connText(t.get(t.subtract(ConnTable.ALL, tcp80)))).toBe('TCP 1-79,TCP 81-65535,UDP 1-65535,SCTP 1-65535');
    // Every port of every protocol is still not "all": protocols without ports are missing.
    const everyPort = [portSet('TCP'), portSet('UDP'), portSet('SCTP')].map((s) => t.intern(s)).reduce((a, b) => t.union(a, b));
    expect(isAllSet(t.get(everyPort))).toBe(false);
    expect(t.union(everyPort, t.subtract(ConnTable.ALL, everyPort))).toBe(ConnTable.ALL);
    expect(connJson(t.get(ConnTable.ALL))).toBe('all');
    expect(connJson(t.get(tcp79to81))).toEqual([{ protocol: 'TCP', port: 79, endPort: 81 }]);
    expect(connText(t.get(ConnTable.EMPTY))).toBe('No Connections');
    expect(t.intern(portSet('TCP', 80))).toBe(tcp80);
    expect(portSet('TCP', 90, 80)).toEqual({ ranges: [[], [], []], other: false });
  });

  it('agrees with a plain membership model on random port sets', () => {
    const entry = fc.record({ protocol: fc.constantFrom<Protocol>(...PROTOCOLS), port: fc.integer({ min: 1, max: 60 }), len: fc.integer({ min: 0, max: 10 }) });
    const setArb = fc.array(entry, { maxLength: 5 });
    fc.assert(
      fc.property(setArb, setArb, (xs, ys) => {
        const t = new ConnTable();
        const build = (es: typeof xs) => es.reduce((id, e) => t.union(id, t.intern(portSet(e.protocol, e.port, e.port + e.len))), ConnTable.EMPTY);
        const member = (es: typeof xs, p: Protocol, n: number) => es.some((e) => e.protocol === p && n >= e.port && n <= e.port + e.len);
        const a = build(xs);
        const b = build(ys);
        const u = t.get(t.union(a, b));
        const i = t.get(t.intersect(a, b));
        const d = t.get(t.subtract(a, b));
        const got: boolean[] = [];
        const want: boolean[] = [];
        for (const p of PROTOCOLS) {
          for (let n = 1; n <= 75; n++) {
            got.push(hasPort(u, p, n), hasPort(i, p, n), hasPort(d, p, n));
            want.push(member(xs, p, n) || member(ys, p, n), member(xs, p, n) && member(ys, p, n), member(xs, p, n) && !member(ys, p, n));
          }
        }
        expect(got).toEqual(want);
      }),
      { numRuns: 100 },
    );
  });
});
