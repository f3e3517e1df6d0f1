import { describe, expect, it } from 'vitest';
import { imageIdentity, imagePurl, parseRegistryReference } from './image-ref.js';

const DIGEST = 'sha256:3982402ce2dfc774c527285f0012709159d477736376cefed850c05305cf88fe';

describe('parseRegistryReference', () => {
  it.each([
    ['alpine', { repository: 'docker.io/library/alpine', explicit: false }],
    ['alpine:3.20', { repository: 'docker.io/library/alpine', tag: '3.20', explicit: true }],
    ['example/app-node:1.0', { repository: 'docker.io/example/app-node', tag: '1.0', explicit: true }],
    ['registry.example.com:5000/shop/orders-api', { repository: 'registry.example.com:5000/shop/orders-api', explicit: true }],
    [`localhost/app@${DIGEST}`, { repository: 'localhost/app', digest: DIGEST, explicit: true }],
  ])('%s', (ref, want) => {
    expect(parseRegistryReference(ref)).toEqual(want);
  });

  it.each(['', 'Alpine:3', 'app:', 'app@sha256:abc', 'a//b', '/abs/path'])('rejects %j', (ref) => {
    expect(parseRegistryReference(ref)).toBeUndefined();
  });
});

describe('imageIdentity', () => {
  it.each([
    ['registry.example.com/shop/orders-api:1.4.2', undefined, { name: 'orders-api', repository: 'registry.example.com/shop/orders-api', tag: '1.4.2' }],
    ['oci:/work/shared/fixtures/images/oci:app-python', undefined, { name: 'oci', tag: 'app-python' }],
    ['oci:./layout:docker.io/library/alpine:3.20', undefined, { name: 'alpine', repository: 'docker.io/library/alpine', tag: '3.20' }],
    ['docker-archive:/tmp/app-node.tar:example/app-node:1.0', undefined, { name: 'app-node', repository: 'docker.io/example/app-node', tag: '1.0' }],
    ['/tmp/app-node.tar', ['example/app-node:1.0'], { name: 'app-node', repository: 'docker.io/example/app-node', tag: '1.0' }],
    ['/tmp/App-Node.tar.gz', undefined, { name: 'app-node' }],
    // A bare word could be a directory as well as a Docker Hub name: not claimed as a repository.
    ['alpine', undefined, { name: 'alpine' }],
  ])('%s', (reference, repoTags, want) => {
    expect(imageIdentity({ reference, repoTags })).toEqual(want);
  });
});

describe('imagePurl', () => {
  it('names the manifest digest, architecture, repository and tag', () => {
    expect(imagePurl({ reference: 'registry.example.com/shop/orders-api:1.4.2', manifestDigest: DIGEST, architecture: 'arm64' })).toBe(
      `pkg:oci/orders-api@${DIGEST}?arch=arm64&repository_url=registry.example.com%2Fshop%2Forders-api&tag=1.4.2`,
    );
  });

  it('is absent without a manifest digest', () => {
    expect(imagePurl({ reference: 'alpine:3.20', architecture: 'amd64' })).toBeUndefined();
  });
});
