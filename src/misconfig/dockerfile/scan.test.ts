import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { scanDockerfile } from './scan.js';
import { expectComparableCost } from '../../../test/helpers/relative-time.js';

const testdata = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

const brief = (text: string, options = {}) =>
  scanDockerfile(text, 'Dockerfile', options).findings.map((f) => [f.id, f.location.startLine, f.location.endLine] as const);

describe('scanDockerfile', () => {
  it('finds nothing in a well-written multi-stage Dockerfile', () => {
    const r = scanDockerfile(testdata('good.Dockerfile'), 'services/orders/Dockerfile', { hasDockerignore: true, allowedRegistries: ['docker.io/library', 'gcr.io/distroless'] });
    expect(r).toEqual({ findings: [], warnings: [] });
  });

  it('reports each problem of the bad Dockerfile at its lines', () => {
    const r = scanDockerfile(testdata('bad.Dockerfile'), 'app/Dockerfile', { hasDockerignore: false });
    expect(r.warnings).toEqual([]);
    expect(r.findings.map((f) => [f.id, f.location.startLine, f.location.endLine])).toEqual([
      ['BH-DF-001', 1, 1],
      ['BH-DF-002', 1, 1],
      ['BH-DF-023', 1, 1],
      ['BH-DF-031', 2, 2],
      ['BH-DF-020', 3, 3],
      ['BH-DF-020', 4, 4],
      ['BH-DF-011', 5, 5],
      ['BH-DF-014', 5, 5],
      ['BH-DF-010', 6, 6],
      ['BH-DF-012', 6, 6],
      ['BH-DF-015', 6, 6],
      ['BH-DF-008', 7, 7],
      ['BH-DF-009', 8, 8],
      ['BH-DF-013', 8, 8],
      ['BH-DF-006', 9, 9],
      ['BH-DF-007', 10, 10],
      ['BH-DF-025', 11, 11],
      ['BH-DF-026', 12, 12],
      ['BH-DF-033', 13, 13],
      ['BH-DF-021', 14, 14],
      ['BH-DF-024', 15, 15],
      ['BH-DF-032', 15, 15],
      ['BH-DF-017', 16, 16],
      ['BH-DF-018', 16, 16],
      ['BH-DF-019', 16, 16],
      ['BH-DF-010', 17, 17],
      ['BH-DF-012', 17, 17],
      ['BH-DF-016', 17, 17],
      ['BH-DF-035', 18, 19],
      ['BH-DF-029', 20, 20],
      ['BH-DF-034', 21, 21],
      ['BH-DF-022', 22, 22],
      ['BH-DF-028', 23, 23],
      ['BH-DF-027', 24, 24],
    ]);
    const secret = r.findings.find((f) => f.id === 'BH-DF-020')!;
    expect(secret).toMatchObject({
      kind: 'misconfiguration',
      severity: 'high',
      location: { path: 'app/Dockerfile', startLine: 3, endLine: 3 },
      evidence: 'ENV AWS_SECRET_ACCESS_KEY=****',
    });
    expect(secret.references).toContain('cis-docker:4.10');
    expect(JSON.stringify(r.findings)).not.toContain('wJalrXUtnFEMIK7MDENG');
    expect(r.findings.find((f) => f.id === 'BH-DF-009')?.evidence).toBe('sudo apt-get dist-upgrade -y');
  });

  it('keeps the false alarms on realistic Dockerfiles to this list', () => {
    const expected: Record<string, Array<[string, number]>> = {
      'python-from-source.Dockerfile': [
        ['BH-DF-001', 2],
        ['BH-DF-003', 2],
        ['BH-DF-023', 2],
        ['BH-DF-012', 8],
      ],
      'go-service.Dockerfile': [
        ['BH-DF-003', 3],
        ['BH-DF-003', 17],
        ['BH-DF-023', 17],
        ['BH-DF-012', 19],
      ],
      'java-service.Dockerfile': [
        ['BH-DF-003', 1],
        ['BH-DF-003', 8],
        ['BH-DF-005', 8],
        ['BH-DF-023', 8],
        ['BH-DF-032', 9],
      ],
      'nextjs.Dockerfile': [
        ['BH-DF-003', 3],
        ['BH-DF-012', 8],
        ['BH-DF-023', 20],
      ],
      'ubi-httpd.Dockerfile': [
        ['BH-DF-003', 1],
        ['BH-DF-005', 1],
        ['BH-DF-012', 3],
        ['BH-DF-013', 3],
        ['BH-DF-012', 4],
      ],
    };
    for (const [file, want] of Object.entries(expected)) {
      const r = scanDockerfile(testdata(`realistic/${file}`), file);
      expect(r.warnings, file).toEqual([]);
      expect(r.findings.map((f) => [f.id, f.location.startLine]), file).toEqual(want);
    }
  });

  describe('inline suppression', () => {
    it('marks the finding suppressed with the comment as source and its reason', () => {
      const r = scanDockerfile('FROM alpine:3.19\n# bulkhead:ignore BH-DF-009 the vendor installer insists on sudo\nRUN sudo ./install.sh\nUSER 1000\n', 'x/Dockerfile');
      const f = r.findings.find((x) => x.id === 'BH-DF-009');
      expect(f?.suppressedBy).toEqual({ kind: 'inline', source: 'x/Dockerfile:2', reason: 'the vendor installer insists on sudo' });
      expect(r.warnings).toEqual([]);
    });

    it('applies to the instruction below only, lists several ids, and stacks with other comments', () => {
      const text = [
        'FROM alpine:3.19',
        '# hadolint ignore=DL3018',
        '# bulkhead:ignore BH-DF-011, BH-DF-012 - cache mount in CI',
        'RUN apk add curl',
        'RUN apk add git',
        'USER 1000',
      ].join('\n');
      const r = scanDockerfile(text, 'Dockerfile');
      const at = (id: string, line: number) => r.findings.find((f) => f.id === id && f.location.startLine === line);
      expect(at('BH-DF-011', 4)?.suppressedBy?.reason).toBe('cache mount in CI');
      expect(at('BH-DF-012', 4)?.suppressedBy?.source).toBe('Dockerfile:3');
      expect(at('BH-DF-011', 5)?.suppressedBy).toBeUndefined();
      expect(at('BH-DF-012', 5)?.suppressedBy).toBeUndefined();
    });

    it('suppresses stage-level findings from above the FROM line, and warns about comments that match nothing', () => {
      const r = scanDockerfile('# bulkhead:ignore BH-DF-023\n# bulkhead:ignore BH-DF-031 stale\nFROM alpine:3.19\nUSER 1000\n', 'Dockerfile');
      expect(r.findings.find((f) => f.id === 'BH-DF-023')?.suppressedBy).toEqual({ kind: 'inline', source: 'Dockerfile:1', reason: 'no reason given' });
      expect(r.warnings).toEqual(['Dockerfile:2: bulkhead:ignore BH-DF-031 matches no finding of the instruction below it']);
    });

    it('does not reach across a blank line', () => {
      const r = scanDockerfile('FROM alpine:3.19\n# bulkhead:ignore BH-DF-009\n\nRUN sudo true\nUSER 1\n', 'Dockerfile');
      expect(r.findings.find((f) => f.id === 'BH-DF-009')?.suppressedBy).toBeUndefined();
    });
  });

  describe('parsing', () => {
    it('reports exact ranges across continuation lines, comments inside them, and heredocs', () => {
      const text = [
        'FROM debian:12.5-slim',
        'RUN apt-get update \\',
        '    # the comment line does not end the instruction',
        ' && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \\',
        ' && rm -rf /var/lib/apt/lists/*',
        'RUN <<EOF',
        'set -eu',
        'chmod 777 /srv',
        'EOF',
        'USER 1000',
      ].join('\n');
      expect(brief(text)).toEqual([
        ['BH-DF-003', 1, 1],
        ['BH-DF-023', 1, 1],
        ['BH-DF-024', 8, 8],
      ]);
    });

    it('substitutes ARG and ENV values, including defaults, in FROM, USER and commands', () => {
      const text = ['ARG BASE=node', 'ARG TAG=latest', 'FROM ${BASE}:${TAG:-20}', 'ENV APP_USER=root', 'USER $APP_USER', 'ENV MODE=0777', 'RUN chmod $MODE /srv'].join('\n');
      expect(brief(text).filter(([id]) => id !== 'BH-DF-023' && id !== 'BH-DF-005')).toEqual([
        ['BH-DF-002', 3, 3],
        ['BH-DF-001', 5, 5],
        ['BH-DF-024', 7, 7],
      ]);
    });

    it('honours the escape directive', () => {
      const text = ['# escape=`', 'FROM debian:12.5-slim', 'RUN apt-get update `', '  && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 `', '  && rm -rf /var/lib/apt/lists/*', 'USER 1000', 'HEALTHCHECK NONE'].join('\n');
      expect(brief(text)).toEqual([['BH-DF-003', 2, 2]]);
    });

    it('reports an unknown instruction and keeps checking the rest', () => {
      const r = scanDockerfile('FROM alpine:3.19\nRUNN echo hi\nRUN sudo true\nUSER 1\n', 'Dockerfile');
      expect(r.findings.map((f) => [f.id, f.location.startLine, f.title])).toEqual([
        ['BH-DF-003', 1, 'FROM alpine:3.19 is not pinned by digest'],
        ['BH-DF-023', 1, 'The final image has no HEALTHCHECK'],
        ['BH-DF-034', 2, 'Unknown instruction RUNN: docker build stops here'],
        ['BH-DF-009', 3, 'sudo true in a RUN instruction'],
      ]);
    });

    it('reports an unterminated heredoc that swallows the rest of the file', () => {
      const r = scanDockerfile('FROM alpine:3.19\nRUN <<EOF\necho hi\nUSER 1000\nHEALTHCHECK NONE\n', 'Dockerfile');
      const syntax = r.findings.find((f) => f.id === 'BH-DF-034');
      expect(syntax).toMatchObject({ title: 'Here-document <<EOF is never closed: it swallows the rest of the file', location: { startLine: 2 } });
      // USER and HEALTHCHECK are part of the heredoc, so the final stage has neither.
      expect(r.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['BH-DF-001', 'BH-DF-023']));
    });

    it('accepts CRLF line endings and a byte order mark', () => {
      const text = '\uFEFFFROM alpine:3.19\r\nRUN sudo true\r\nUSER 1\r\n';
      expect(brief(text)).toEqual([
        ['BH-DF-003', 1, 1],
        ['BH-DF-023', 1, 1],
        ['BH-DF-009', 2, 2],
      ]);
    });

    it('returns nothing for an empty file or one with only comments', () => {
      expect(scanDockerfile('', 'Dockerfile')).toEqual({ findings: [], warnings: [] });
      expect(scanDockerfile('# nothing here\n\n', 'Dockerfile')).toEqual({ findings: [], warnings: [] });
    });
  });

  describe('hostile input', () => {
    it('refuses binary content with the file and line', () => {
      const text = 'FROM alpine\nRUN x\n\u0000\u0001\u0002ELF';
      let error: unknown;
      try {
        scanDockerfile(text, 'bin/Dockerfile');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BulkheadError);
      expect(error).toMatchObject({ code: 'TARGET_UNSUPPORTED', where: 'bin/Dockerfile:3', exitCode: 2 });
    });

    it('refuses text full of control characters', () => {
      const noise = Array.from({ length: 400 }, (_, i) => String.fromCharCode(1 + (i % 7)) + 'ab').join('');
      expect(() => scanDockerfile(noise, 'Dockerfile')).toThrow(expect.objectContaining({ code: 'TARGET_UNSUPPORTED' }));
    });

    it('refuses files beyond the size limit and handles a gigantic line within it', () => {
      expect(() => scanDockerfile('FROM alpine\n' + '#'.repeat(300 * 1024), 'Dockerfile')).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED', where: 'Dockerfile' }));
      const gigantic = `FROM alpine:3.19\nUSER 1\nRUN echo ${'x'.repeat(200 * 1024)} | sudo tee /x\n`;
      const r = scanDockerfile(gigantic, 'Dockerfile');
      expect(r.findings.map((f) => f.id)).toContain('BH-DF-009');
      // The same text in ordinary 1 KB lines: the one long line may cost at most 25 times as much.
      const ordinary = ('FROM alpine:3.19\nUSER 1\n' + `RUN echo ${'x'.repeat(1000)} | sudo tee /x\n`.repeat(Math.ceil(gigantic.length / 1024))).slice(0, gigantic.length);
      expectComparableCost(() => scanDockerfile(gigantic, 'Dockerfile'), () => scanDockerfile(ordinary, 'Dockerfile'), '200 KB line');
    });

    // No wall-clock assertion (the machine may be busy): a quadratic rule on these sizes takes minutes and hits the test timeout.
    it('finishes on shapes that would make naive rules quadratic', { timeout: 30_000 }, () => {
      const shapes = {
        'many secret build arguments': 'FROM alpine:3.19\n' + 'ARG TOKEN\n'.repeat(8000) + 'RUN x\n',
        'a long chain of stages': 'FROM alpine:3.19 AS s0\nENV A=1\n' + Array.from({ length: 4000 }, (_, i) => `FROM s${i} AS s${i + 1}\nRUN echo $A\n`).join(''),
        'many unknown variables': 'FROM alpine:3.19\n' + Array.from({ length: 5000 }, (_, i) => `ENV A${i}=$B\n`).join(''),
        'one RUN full of apt-get update': 'FROM debian:12\nRUN ' + 'apt-get update;'.repeat(5000) + '\n',
        'a URL-like value': 'FROM alpine:3.19\nENV X=' + 'ab://'.repeat(20000) + '\n',
      };
      for (const [name, text] of Object.entries(shapes)) {
        const r = scanDockerfile(text, 'Dockerfile');
        expect(r.findings.length, name).toBeLessThanOrEqual(1000);
      }
    });

    it('caps findings and warnings', () => {
      const r = scanDockerfile('FROM alpine:3.19\n' + 'RUN sudo a\nRUN sudo b\n'.repeat(600) + '# bulkhead:ignore BH-DF-031\n'.repeat(30) + 'USER 1\n', 'Dockerfile');
      expect(r.findings).toHaveLength(1000);
      expect(r.warnings).toHaveLength(21);
      expect(r.warnings[0]).toBe('Dockerfile: 1202 findings, only the first 1000 are reported');
      expect(r.warnings[20]).toBe('Dockerfile: 11 more warnings');
    });

    it('bounds the commands it reads from one RUN', () => {
      const r = scanDockerfile(`FROM alpine:3.19\nUSER 1\nRUN ${'true;'.repeat(6000)}\n`, 'Dockerfile');
      expect(r.warnings).toEqual(['Dockerfile:3: RUN has more than 5000 commands; the rest are not checked']);
    });

    // No wall-clock assertion: a hang fails by the test timeout; a rule that gives up says so in a warning, checked below.
    it('never throws anything but a BulkheadError, and no rule stops early, on random or mutated input', { timeout: 60_000 }, () => {
      const seeds = [testdata('good.Dockerfile'), testdata('bad.Dockerfile'), testdata('realistic/python-from-source.Dockerfile')];
      const pieces = ['\\\n', '<<EOF\n', 'EOF\n', '"', "'", '${', '$(', '`', '|', '&&', '[', '#', 'FROM ', 'COPY --from=', ' AS ', '\n', '\t', '# escape=`\n', '\u0000'];
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ maxLength: 400 }),
            fc.array(fc.constantFrom(...pieces, 'RUN ', 'apt-get install ', 'sudo ', 'USER root', 'x'), { maxLength: 80 }).map((a) => a.join('')),
            fc
              .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...pieces, '', 'x')), { maxLength: 12 }))
              .map(([seed, edits]) => {
                let t = seed;
                for (const [at, s] of edits) {
                  const i = at % (t.length + 1);
                  t = t.slice(0, i) + s + t.slice(i + 1);
                }
                return t;
              }),
          ),
          (text) => {
            try {
              const r = scanDockerfile(text, 'Dockerfile', { hasDockerignore: false, allowedRegistries: ['docker.io'] });
              expect(r.warnings.filter((w) => w.includes('stopped early'))).toEqual([]);
              for (const f of r.findings) {
                expect(f.location.startLine).toBeGreaterThanOrEqual(1);
                expect(f.location.endLine).toBeGreaterThanOrEqual(f.location.startLine!);
              }
            } catch (e) {
              expect(e).toBeInstanceOf(BulkheadError);
            }
          },
        ),
        { numRuns: 400 },
      );
    });
  });
});
