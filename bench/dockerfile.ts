/**
 * Dockerfile checks over a corpus of 1,000 Dockerfiles (the realistic test
 * Dockerfiles, varied: other bases, extra RUN lines, more stages), as a ratio
 * to parsing the same corpus with dockerfile-ast alone, measured in the same run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { scanDockerfile } from '../src/misconfig/dockerfile/index.js';

export function dockerfileCorpus(repo: string, size = 1000): string[] {
  const dir = path.join(repo, 'src/misconfig/dockerfile/testdata/realistic');
  const seeds = readdirSync(dir)
    .filter((f) => f.endsWith('.Dockerfile'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
  const bases = ['debian:12-slim', 'ubuntu:24.04', 'alpine:3.20', 'node:22-bookworm', 'python:3.12-slim', 'golang:1.23'];
  const extras = [
    'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
    'RUN pip install requests==2.32.3',
    'ENV APP_MODE=production',
    'COPY . /src',
    'RUN chmod 777 /tmp/cache',
    'USER 10001',
  ];
  const corpus: string[] = [];
  for (let i = 0; corpus.length < size; i++) {
    const seed = seeds[i % seeds.length]!;
    const lines = seed.split('\n');
    const extra = Array.from({ length: i % 7 }, (_v, k) => extras[(i + k) % extras.length]!);
    corpus.push([`FROM ${bases[i % bases.length]} AS stage${i % 3}`, ...extra, ...lines].join('\n'));
  }
  return corpus;
}

export function benchDockerfiles(repo: string): Record<string, unknown> {
  const corpus = dockerfileCorpus(repo);
  const bytes = corpus.reduce((n, t) => n + t.length, 0);
  const time = (fn: () => void) => {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      fn();
      runs.push(performance.now() - t);
    }
    return runs.sort((a, b) => a - b)[1]!;
  };
  const parseMs = time(() => corpus.forEach((t) => DockerfileParser.parse(t)));
  let findings = 0;
  const checkMs = time(() => {
    findings = 0;
    corpus.forEach((t, i) => (findings += scanDockerfile(t, `corpus/${i}/Dockerfile`).findings.length));
  });
  return { dockerfiles: corpus.length, kib: Math.round(bytes / 1024), findings, parseMs: Math.round(parseMs), checkMs: Math.round(checkMs), checksOverParse: +(checkMs / parseMs).toFixed(2) };
}
