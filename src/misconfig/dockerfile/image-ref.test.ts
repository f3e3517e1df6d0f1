import { describe, expect, it } from 'vitest';
import { defaultsToNonRoot, displayName, imageName, isAllowedRegistry, parseImageRef, slimAlternative } from './image-ref.js';

const ref = (s: string) => {
  const r = parseImageRef(s);
  if (!r) throw new Error(`not a reference: ${s}`);
  return r;
};

describe('image references', () => {
  it('normalises Docker Hub names and splits tag and digest', () => {
    expect(parseImageRef('node')).toEqual({ raw: 'node', registry: 'docker.io', repository: 'library/node' });
    expect(parseImageRef('bitnami/redis:7.2')).toEqual({ raw: 'bitnami/redis:7.2', registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' });
    expect(parseImageRef('index.docker.io/library/node:20@sha256:abcd')).toMatchObject({ registry: 'docker.io', repository: 'library/node', tag: '20', digest: 'sha256:abcd' });
    expect(parseImageRef('localhost:5000/team/app:1.0')).toMatchObject({ registry: 'localhost:5000', repository: 'team/app', tag: '1.0' });
    expect(parseImageRef('gcr.io/distroless/static-debian12:nonroot')).toMatchObject({ registry: 'gcr.io', repository: 'distroless/static-debian12' });
  });

  it('rejects what Docker rejects', () => {
    for (const bad of ['Node:20', 'node:', 'node@sha256', 'a b', '', 'node:-bad', 'ghcr.io/Org/app']) expect(parseImageRef(bad), bad).toBeNull();
  });

  it('names images for messages', () => {
    expect(displayName(ref('node:20'))).toBe('node');
    expect(displayName(ref('bitnami/redis'))).toBe('bitnami/redis');
    expect(imageName(ref('ghcr.io/org/app'))).toBe('ghcr.io/org/app');
  });

  it('matches allowed registries by host or host and path prefix', () => {
    expect(isAllowedRegistry(ref('node:20'), ['docker.io'])).toBe(true);
    expect(isAllowedRegistry(ref('node:20'), ['https://index.docker.io/library/'])).toBe(true);
    expect(isAllowedRegistry(ref('bitnami/node:20'), ['docker.io/library'])).toBe(false);
    expect(isAllowedRegistry(ref('gcr.io/distroless/static'), ['gcr.io/distroless'])).toBe(true);
    expect(isAllowedRegistry(ref('gcr.io/distrolessx/static'), ['gcr.io/distroless'])).toBe(false);
    expect(isAllowedRegistry(ref('registry.example.com:5000/a'), ['registry.example.com'])).toBe(false);
  });

  it('knows images that default to a non-root user', () => {
    expect(defaultsToNonRoot(ref('gcr.io/distroless/static-debian12:nonroot'))).toBe(true);
    expect(defaultsToNonRoot(ref('gcr.io/distroless/nodejs20-debian12:debug-nonroot'))).toBe(true);
    expect(defaultsToNonRoot(ref('gcr.io/distroless/static-debian12'))).toBe(false);
    expect(defaultsToNonRoot(ref('example.com/nonroot:nonroot'))).toBe(false);
  });

  it('suggests slimmer final images', () => {
    expect(slimAlternative(ref('node:20.11-bookworm'))).toBe('node:20.11-bookworm-slim or gcr.io/distroless/nodejs20-debian12');
    expect(slimAlternative(ref('python'))).toBe('python:slim');
    expect(slimAlternative(ref('debian:bookworm'))).toBe('debian:bookworm-slim');
    expect(slimAlternative(ref('eclipse-temurin:21-jdk-jammy'))).toBe('eclipse-temurin:21-jre-jammy');
    expect(slimAlternative(ref('mcr.microsoft.com/dotnet/sdk:8.0'))).toBe('mcr.microsoft.com/dotnet/aspnet:8.0 or mcr.microsoft.com/dotnet/runtime:8.0');
    for (const fine of ['node:20-slim', 'python:3.12-alpine', 'ubuntu:24.04', 'eclipse-temurin:21-jre', 'bitnami/node:20']) expect(slimAlternative(ref(fine)), fine).toBeNull();
  });
});
