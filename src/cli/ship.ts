/**
 * Ship: `key generate`, `sign`, `verify`, `attest`, `verify-attestation`
 * (cosign formats, key-based, stored in the registry as cosign stores them)
 * and `registry audit`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { BulkheadError, ExitCode } from '../core/errors.js';
import { auditRegistry, repositoryStore, type RegistryOptions } from '../registry/index.js';
import {
  assertAttestationsVerified,
  assertImageVerified,
  assertPolicyAllowed,
  attestImage,
  evaluatePolicy,
  generateKeyPair,
  loadPolicy,
  loadPrivateKey,
  parseImageReference,
  resolveImage,
  resolveKeyPassword,
  signImage,
  verifyAttestations,
  verifyImage,
  type PublicKey,
  ENCRYPTED_COSIGN_PEM,
  ENCRYPTED_SIGSTORE_PEM,
} from '../sign/index.js';
import { resolveFlags } from './flags.js';
import { collect, readAllStdin, registryOptionsFrom } from './registry-options.js';
import type { CliContext } from './context.js';
import { loadPublicKeyFiles, readKeyFile } from './keys.js';

function parseAnnotations(list: string[] | undefined): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i <= 0) throw new BulkheadError('USAGE', `annotation "${a}" is not key=value`, { hint: 'e.g. -a env=prod' });
    out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

export function registerShip(ctx: CliContext): void {
  const { program, io, setCode, given, addFlags, colors } = ctx;
  const stdin = () => (io.readStdin ?? readAllStdin)();
  const registryOptions = async (self: Command): Promise<RegistryOptions> =>
    registryOptionsFrom(resolveFlags(['global', 'registry'], { ...given(program), ...given(self) }, io.env), io.cwd, io.env, stdin);
  const abs = (f: string) => path.resolve(io.cwd, f);

  /** Image reference → the repository store and the manifest digest it names now. */
  const target = async (image: string, self: Command) => {
    const ref = parseImageReference(image);
    if (!ref) throw new BulkheadError('USAGE', `"${image}" is not an image reference`, { hint: 'e.g. registry.example:5000/app:1.2 or …@sha256:<hex>' });
    const store = repositoryStore(ref.repository, await registryOptions(self));
    const resolved = await resolveImage(store, ref.digest ?? ref.tag ?? 'latest');
    return { ref, store, digest: resolved.digest };
  };
  const publicKeys = (files: string[] | undefined): PublicKey[] => {
    if (!files?.length) throw new BulkheadError('USAGE', 'verification needs a public key', { hint: 'pass --key cosign.pub (repeatable)' });
    return loadPublicKeyFiles(files, io.cwd);
  };

  const key = new Command('key').description('manage signing keys');
  key.addCommand(
    new Command('generate')
      .description('write an ECDSA P-256 key pair: PREFIX.key (encrypted, the cosign/sigstore format) and PREFIX.pub; the password comes from BULKHEAD_KEY_PASSWORD or COSIGN_PASSWORD')
      .option('--output-prefix <prefix>', 'file name prefix', 'cosign')
      .addOption(new Option('--pem-type <type>', 'PEM label of the private key').choices(['sigstore', 'cosign']).default('sigstore'))
      .option('--force', 'overwrite existing files')
      .action(async (o: { outputPrefix: string; pemType: 'sigstore' | 'cosign'; force?: boolean }) => {
        const password = resolveKeyPassword(undefined, io.env);
        if (password === undefined) throw new BulkheadError('USAGE', 'no password for the private key', { hint: 'set BULKHEAD_KEY_PASSWORD (or COSIGN_PASSWORD; empty is allowed)' });
        const prefix = abs(o.outputPrefix);
        for (const f of [`${prefix}.key`, `${prefix}.pub`]) {
          if (existsSync(f) && !o.force) throw new BulkheadError('USAGE', `${f} exists`, { where: f, hint: 'pass --force to overwrite it, or another --output-prefix' });
        }
        const pair = await generateKeyPair(password, { pemType: o.pemType === 'cosign' ? ENCRYPTED_COSIGN_PEM : ENCRYPTED_SIGSTORE_PEM });
        ctx.writeAtomically(`${prefix}.key`, pair.privateKeyPem);
        const { chmodSync } = await import('node:fs');
        chmodSync(`${prefix}.key`, 0o600);
        ctx.writeAtomically(`${prefix}.pub`, pair.publicKeyPem);
        io.stdout(`wrote ${prefix}.key (private, encrypted) and ${prefix}.pub\n`);
        setCode(ExitCode.ok);
      }),
  );
  program.addCommand(key);

  const sign = addFlags(
    new Command('sign')
      .description('sign an image in a registry the way cosign does (simple-signing payload, stored at sha256-<hex>.sig or as a referrer)')
      .argument('<image>', 'registry reference; a tag is resolved to its digest first')
      .requiredOption('--key <file>', 'private key (cosign/sigstore encrypted, or PEM PKCS#8/EC)')
      .option('-a, --annotation <key=value>', 'annotation put in the payload (repeatable)', collect)
      .option('--referrer', 'store the signature as an OCI referrer instead of the .sig tag'),
    ['global', 'registry'],
  ).action(async (image: string, o: { key: string; annotation?: string[]; referrer?: boolean }, self: Command) => {
    const t = await target(image, self);
    const privateKey = await loadPrivateKey(readKeyFile(abs(o.key), 'private key'), resolveKeyPassword(undefined, io.env), { where: o.key });
    const annotations = parseAnnotations(o.annotation);
    const r = await signImage(t.store, t.digest, t.ref.repository, privateKey, { ...(annotations ? { annotations } : {}), ...(o.referrer ? { mode: 'referrer' as const } : {}) });
    io.stdout(`${r.alreadySigned ? 'already signed' : 'signed'} ${t.ref.repository}@${t.digest} (${r.reference})\n`);
    setCode(ExitCode.ok);
  });
  program.addCommand(sign);

  const verify = addFlags(
    new Command('verify')
      .description('verify an image\'s cosign signatures (via the .sig tag and referrers) against public keys, or evaluate a trust policy')
      .argument('<image>', 'registry reference')
      .option('--key <file>', 'public key (repeatable)', collect)
      .option('-a, --annotation <key=value>', 'required payload annotation (repeatable)', collect)
      .option('--policy <file>', 'trust policy YAML (registries, signatures, attestations) instead of --key')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text')),
    ['global', 'registry'],
  ).action(async (image: string, o: { key?: string[]; annotation?: string[]; policy?: string; format: string }, self: Command) => {
    const pc = colors(self);
    if (o.policy) {
      const policy = loadPolicy(abs(o.policy));
      const ref = parseImageReference(image);
      if (!ref) throw new BulkheadError('USAGE', `"${image}" is not an image reference`);
      const decision = await evaluatePolicy(policy, image, repositoryStore(ref.repository, await registryOptions(self)));
      if (o.format === 'json') io.stdout(`${JSON.stringify(decision, null, 2)}\n`);
      else for (const r of decision.reasons) io.stdout(`${r.ok ? pc.green('ok  ') : pc.red('FAIL')} ${r.rule ? `${r.rule}: ` : ''}${r.message}\n`);
      assertPolicyAllowed(decision, image, o.policy);
      setCode(ExitCode.ok);
      return;
    }
    const t = await target(image, self);
    const annotations = parseAnnotations(o.annotation);
    const result = await verifyImage(t.store, t.digest, publicKeys(o.key), annotations ? { annotations } : {});
    if (o.format === 'json') io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else {
      for (const s of result.signatures) io.stdout(`${s.verified ? pc.green('verified') : pc.red('rejected')} ${s.source}${s.verified ? '' : `: ${s.reason}`}\n`);
      io.stdout(`${result.summary}\n`);
    }
    assertImageVerified(result, `${t.ref.repository}@${t.digest}`);
    setCode(ExitCode.ok);
  });
  program.addCommand(verify);

  const attest = addFlags(
    new Command('attest')
      .description('attach a signed in-toto attestation (DSSE envelope, stored at sha256-<hex>.att like cosign)')
      .argument('<image>', 'registry reference')
      .requiredOption('--predicate <file>', 'predicate JSON (a CycloneDX/SPDX SBOM, a vulnerability report, OpenVEX, SLSA provenance, …)')
      .requiredOption('--type <type>', 'cyclonedx, spdx, vuln, openvex, slsaprovenance, slsaprovenance1, custom, or a predicate type URI')
      .requiredOption('--key <file>', 'private key')
      .option('--replace', 'replace existing attestations of the same predicate type'),
    ['global', 'registry'],
  ).action(async (image: string, o: { predicate: string; type: string; key: string; replace?: boolean }, self: Command) => {
    const t = await target(image, self);
    const privateKey = await loadPrivateKey(readKeyFile(abs(o.key), 'private key'), resolveKeyPassword(undefined, io.env), { where: o.key });
    let predicate: string;
    try {
      predicate = readFileSync(abs(o.predicate), 'utf8');
    } catch {
      throw new BulkheadError('TARGET_NOT_FOUND', `cannot read the predicate ${o.predicate}`, { where: o.predicate });
    }
    const r = await attestImage(t.store, t.digest, predicate, o.type, privateKey, o.replace ? { replace: true } : {});
    io.stdout(`attested ${t.ref.repository}@${t.digest} (${o.type}) at ${r.reference}\n`);
    setCode(ExitCode.ok);
  });
  program.addCommand(attest);

  const verifyAttestation = addFlags(
    new Command('verify-attestation')
      .description('verify an image\'s attestations against public keys and print their predicates')
      .argument('<image>', 'registry reference')
      .option('--key <file>', 'public key (repeatable)', collect)
      .option('--type <type>', 'predicate type wanted (as for attest)')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('json')),
    ['global', 'registry'],
  ).action(async (image: string, o: { key?: string[]; type?: string; format: string }, self: Command) => {
    const pc = colors(self);
    const t = await target(image, self);
    const result = await verifyAttestations(t.store, t.digest, publicKeys(o.key), o.type);
    if (o.format === 'json') io.stdout(`${JSON.stringify(result.predicates, null, 2)}\n`);
    else {
      for (const a of result.attestations) io.stdout(`${a.verified ? pc.green('verified') : pc.red('rejected')} ${a.source}${a.verified ? '' : `: ${a.reason}`}\n`);
      io.stdout(`${result.summary}\n`);
    }
    assertAttestationsVerified(result, `${t.ref.repository}@${t.digest}`);
    setCode(ExitCode.ok);
  });
  program.addCommand(verifyAttestation);

  const registry = new Command('registry').description('registry security');
  registry.addCommand(
    addFlags(
      new Command('audit')
        .description('anonymous pull/push, plain HTTP, exposed catalog; per repository and tag: signed, attested, SBOM present')
        .argument('<registry>', 'host[:port]')
        .option('--max-repos <n>', 'repositories to look at', '50')
        .option('--max-tags <n>', 'tags per repository', '20')
        .option('--concurrency <n>', 'requests in flight', '4')
        .option('--repository <repo>', 'audit this repository (repeatable; when the catalog is closed)', collect)
        .option('--public', 'the registry is meant to be public (anonymous pull is not a finding)')
        .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text')),
      ['global', 'registry'],
    ).action(async (host: string, o: { maxRepos: string; maxTags: string; concurrency: string; repository?: string[]; public?: boolean; format: string }, self: Command) => {
      const num = (v: string, flag: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new BulkheadError('USAGE', `${flag} ${v} is not a positive number`);
        return n;
      };
      const report = await auditRegistry(host, {
        ...(await registryOptions(self)),
        maxRepos: num(o.maxRepos, '--max-repos'),
        maxTagsPerRepo: num(o.maxTags, '--max-tags'),
        concurrency: num(o.concurrency, '--concurrency'),
        ...(o.repository ? { repositories: o.repository } : {}),
        ...(o.public ? { publicRegistry: true } : {}),
      });
      if (o.format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else io.stdout(renderAudit(report));
      setCode(report.findings.some((f) => f.severity === 'critical' || f.severity === 'high') ? ExitCode.findings : ExitCode.ok);
    }),
  );
  program.addCommand(registry);
}

type AuditReport = Awaited<ReturnType<typeof auditRegistry>>;

function renderAudit(r: AuditReport): string {
  const out = [`registry ${r.registry} (${r.endpoint})`];
  out.push(`  transport: ${r.transport.tls ? 'TLS' : 'plain HTTP'}${r.transport.tlsError ? ` (TLS error: ${r.transport.tlsError})` : ''}`);
  const a = r.access;
  out.push(`  anonymous pull: ${a.anonymousPull}, anonymous push: ${a.anonymousPush === 'allowed' ? 'ALLOWED' : a.anonymousPush}, catalog to anonymous users: ${a.anonymousCatalog}`);
  out.push('', 'repository:tag                                signed  attested  sbom  digest');
  for (const repo of r.repositories) {
    if (repo.error) out.push(`${repo.name}: ${repo.error.message} (${repo.error.code})`);
    for (const t of repo.tags) {
      out.push(`${`${repo.name}:${t.tag}`.padEnd(45)} ${(t.signed ? 'yes' : 'no').padEnd(7)} ${(t.attestations.length > 0 ? 'yes' : 'no').padEnd(9)} ${(t.sboms.length > 0 ? 'yes' : 'no').padEnd(5)} ${t.digest ?? t.error?.message ?? ''}`);
    }
    if (repo.tagsTruncated) out.push(`${repo.name}: more tags not shown (--max-tags)`);
  }
  if (r.repositoriesTruncated) out.push('more repositories not shown (--max-repos)');
  if (r.findings.length) {
    out.push('', `findings (${r.findings.length})`);
    for (const f of r.findings) out.push(`  ${f.severity.padEnd(8)} ${f.id}  ${f.title}${f.location.path ? `  ${f.location.path}` : ''}`);
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}
