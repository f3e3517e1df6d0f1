/**
 * Interoperability with a real cosign-format peer against a real registry:
 * trixie's skopeo 1.18 (sigstore enabled) and Debian's docker-registry.
 * Both directions: skopeo verifies what Bulkhead signed with a key Bulkhead
 * generated, and Bulkhead verifies what skopeo signed with a key skopeo
 * generated (and loads that key). Skipped, with the reason, when the
 * registry binary or the Debian mirror is not available.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../registry/client.js';
import { repositoryStore } from '../registry/index.js';
import { hasRegistry, optionsFor, startRegistry, type TestRegistry } from '../registry/testing/registry-server.js';
import { pushTinyImage } from '../registry/testing/tiny-image.js';
import { generateKeyPair, loadPrivateKey, loadPublicKey } from './keys.js';
import { signImage } from './sign-image.js';
import { prepareTrixieSkopeo, type SkopeoPeer } from './testing/trixie-skopeo.js';
import { verifyImage } from './verify-image.js';

const run = promisify(execFile);
const peer: SkopeoPeer = hasRegistry ? await prepareTrixieSkopeo() : { ok: false, reason: 'no /usr/bin/docker-registry' };
if (!peer.ok) console.warn(`skipping skopeo interop: ${peer.reason}`);

describe.skipIf(!peer.ok)('cosign-format interop with skopeo 1.18 (trixie)', () => {
  let reg: TestRegistry;
  let work: string;
  const command = peer.ok ? peer.command : [];

  async function skopeo(args: string[]): Promise<{ ok: boolean; output: string }> {
    try {
      const { stdout, stderr } = await run(command[0]!, [...command.slice(1), ...args], { timeout: 60_000, env: { ...process.env, REGISTRY_AUTH_FILE: path.join(work, 'auth.json') } });
      return { ok: true, output: stdout + stderr };
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      return { ok: false, output: err.stderr || err.message };
    }
  }

  /** `skopeo copy` of the image to a scratch repository with a policy requiring a sigstore signature by `pub`. */
  async function skopeoAccepts(ref: string, pub: string): Promise<{ ok: boolean; output: string }> {
    const policy = path.join(work, `policy-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(policy, JSON.stringify({ default: [{ type: 'reject' }], transports: { docker: { [reg.host]: [{ type: 'sigstoreSigned', keyPath: pub, signedIdentity: { type: 'matchRepository' } }] }, dir: { '': [{ type: 'insecureAcceptAnything' }] } } }));
    const dest = await mkdtemp(path.join(work, 'copy-'));
    return skopeo(['copy', '--quiet', '--policy', policy, '--registries.d', path.join(work, 'registries.d'), '--src-tls-verify=false', `docker://${ref}`, `dir:${dest}`]);
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-interop-'));
    reg = await startRegistry({ auth: 'none' });
    await run('mkdir', ['-p', path.join(work, 'registries.d')]);
    await writeFile(path.join(work, 'registries.d', 'local.yaml'), `docker:\n  ${reg.host}:\n    use-sigstore-attachments: true\n`);
  });
  afterAll(async () => {
    await reg?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('skopeo verifies a signature Bulkhead made with a key Bulkhead generated; rejects another key', async () => {
    const client = new RegistryClient(reg.host, optionsFor(reg));
    const image = await pushTinyImage(client, 'interop/ours', '1.0');
    client.close();
    const pair = await generateKeyPair('pw');
    const other = await generateKeyPair('pw');
    await writeFile(path.join(work, 'ours.pub'), pair.publicKeyPem);
    await writeFile(path.join(work, 'other.pub'), other.publicKeyPem);
    const store = repositoryStore(`${reg.host}/interop/ours`, optionsFor(reg));
    await signImage(store, image.digest, store.repository, pair.privateKey);
    const ok = await skopeoAccepts(`${reg.host}/interop/ours:1.0`, path.join(work, 'ours.pub'));
    expect(ok.ok, ok.output).toBe(true);
    const wrong = await skopeoAccepts(`${reg.host}/interop/ours:1.0`, path.join(work, 'other.pub'));
    expect(wrong.ok).toBe(false);
  }, 120_000);

  it('skopeo accepts a key file Bulkhead wrote (it signs with it), and Bulkhead verifies what skopeo signed', async () => {
    const client = new RegistryClient(reg.host, optionsFor(reg));
    const image = await pushTinyImage(client, 'interop/theirs', '1.0');
    client.close();
    const pair = await generateKeyPair('secret');
    await writeFile(path.join(work, 'bh.key'), pair.privateKeyPem);
    await writeFile(path.join(work, 'pass'), 'secret');
    const policy = path.join(work, 'any.json');
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const signed = await skopeo(['copy', '--quiet', '--policy', policy, '--registries.d', path.join(work, 'registries.d'), '--src-tls-verify=false', '--dest-tls-verify=false', '--sign-by-sigstore-private-key', path.join(work, 'bh.key'), '--sign-passphrase-file', path.join(work, 'pass'), `docker://${reg.host}/interop/theirs:1.0`, `docker://${reg.host}/interop/theirs:1.0`]);
    expect(signed.ok, signed.output).toBe(true);
    const store = repositoryStore(`${reg.host}/interop/theirs`, optionsFor(reg));
    const r = await verifyImage(store, image.digest, [loadPublicKey(pair.publicKeyPem)], { identity: { mode: 'matchRepository', reference: `${reg.host}/interop/theirs:1.0` } });
    expect(r.verified, r.summary).toBe(true);
  }, 120_000);

  it('Bulkhead loads a key skopeo generated (ENCRYPTED COSIGN PRIVATE KEY) and skopeo verifies the result', async () => {
    const client = new RegistryClient(reg.host, optionsFor(reg));
    const image = await pushTinyImage(client, 'interop/mixed', '1.0');
    client.close();
    await writeFile(path.join(work, 'pp'), 'phrase');
    const gen = await skopeo(['generate-sigstore-key', '--output-prefix', path.join(work, 'sk'), '--passphrase-file', path.join(work, 'pp')]);
    expect(gen.ok, gen.output).toBe(true);
    const pem = await readFile(path.join(work, 'sk.private'), 'utf8');
    expect(pem).toContain('ENCRYPTED COSIGN PRIVATE KEY');
    const key = await loadPrivateKey(pem, 'phrase', { where: 'sk.private' });
    expect(key.publicKey.hint).toBe(loadPublicKey(await readFile(path.join(work, 'sk.pub'))).hint);
    const store = repositoryStore(`${reg.host}/interop/mixed`, optionsFor(reg));
    await signImage(store, image.digest, store.repository, key);
    const ok = await skopeoAccepts(`${reg.host}/interop/mixed:1.0`, path.join(work, 'sk.pub'));
    expect(ok.ok, ok.output).toBe(true);
  }, 120_000);
});
