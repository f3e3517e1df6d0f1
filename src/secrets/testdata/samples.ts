/**
 * One realistic positive sample and near-miss negatives per built-in rule.
 * Every value is generated here from a seeded PRNG: obviously fake, never a
 * live credential, and never written out literally in the source (so the
 * repository holds no token-shaped strings that other scanners would flag).
 */
import { generateKeyPairSync } from 'node:crypto';

export const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LO = 'abcdefghijklmnopqrstuvwxyz';
export const DIG = '0123456789';
export const HEX = '0123456789abcdef';
export const AN = UP + LO + DIG;
export const URLSAFE = `${AN}_-`;
export const B64 = `${AN}+/`;

/** Deterministic random strings (mulberry32). */
export function generator(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rand = (chars: string, n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += chars[Math.floor(next() * chars.length)];
    return s;
  };
  const uuid = (): string => `${rand(HEX, 8)}-${rand(HEX, 4)}-4${rand(HEX, 3)}-a${rand(HEX, 3)}-${rand(HEX, 12)}`;
  return { rand, uuid };
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64');
export const b64url = (s: string): string => Buffer.from(s).toString('base64url');

export interface RuleSample {
  rule: string;
  /** File the sample is scanned as; default `/app/config.env`. */
  path?: string;
  positive: string;
  /** The secret the rule reports (its sha256 is the match's secretHash). */
  secret: string;
  negatives: Array<{ content: string; path?: string }>;
}

/** PEM bodies without line breaks, as the private key rules report them. */
export function pemBody(pem: string): string {
  return pem
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .join('');
}

let rsaCache: { pkcs1: string; pkcs8: string; spki: string } | undefined;
/** A fresh 1024-bit RSA key (test only; made on first use). */
export function testRsaKey(): { pkcs1: string; pkcs8: string; spki: string } {
  if (!rsaCache) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    rsaCache = {
      pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      spki: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }
  return rsaCache;
}

function lines(s: string, width = 64): string {
  return s.match(new RegExp(`.{1,${width}}`, 'g'))!.join('\n');
}

export function ruleSamples(): RuleSample[] {
  const { rand, uuid } = generator(20240611);
  const s: RuleSample[] = [];
  const tok = (rule: string, secret: string, negatives: string[], wrap = (x: string) => `TOKEN_VALUE=${x}\n`): void => {
    s.push({ rule, positive: wrap(secret), secret, negatives: negatives.map((n) => ({ content: wrap(n) })) });
  };

  const akia = `AKIA${rand(UP + DIG, 16)}`;
  s.push({
    rule: 'BH-SEC-001',
    positive: `AWS_ACCESS_KEY_ID=${akia}\n`,
    secret: akia,
    negatives: [{ content: `AWS_ACCESS_KEY_ID=AKIA${rand(UP + DIG, 12)}\n` }, { content: 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n' }, { content: `id=AKIA${'0'.repeat(16)}\n` }],
  });
  const awsSecret = rand(B64, 40);
  s.push({
    rule: 'BH-SEC-002',
    path: '/root/.aws/credentials',
    positive: `[default]\naws_access_key_id = ${akia}\naws_secret_access_key = ${awsSecret}\n`,
    secret: awsSecret,
    negatives: [
      { content: `aws_secret_access_key = ${rand(B64, 39)}\n` },
      { content: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' },
      { content: `cache_key = ${rand(B64, 40)}\n` },
    ],
  });
  const session = rand(B64, 300);
  s.push({
    rule: 'BH-SEC-003',
    path: '/root/.aws/credentials',
    positive: `[default]\naws_session_token = ${session}\n`,
    secret: session,
    negatives: [{ content: `aws_session_token = ${rand(B64, 60)}\n` }],
  });
  tok('BH-SEC-004', `AIza${rand(URLSAFE, 35)}`, [`AIza${rand(URLSAFE, 30)}`], (x) => `const mapsKey = "${x}";\n`);
  const keyId = rand(HEX, 40);
  s.push({
    rule: 'BH-SEC-005',
    path: '/app/gcp-sa.json',
    positive: `{\n  "type": "service_account",\n  "project_id": "build-42",\n  "private_key_id": "${keyId}",\n  "client_email": "ci@build-42.iam.gserviceaccount.com"\n}\n`,
    secret: keyId,
    negatives: [{ content: `{\n  "type": "authorized_user",\n  "private_key_id": "${rand(HEX, 40)}"\n}\n` }],
  });
  tok('BH-SEC-006', `GOCSPX-${rand(URLSAFE, 28)}`, [`GOCSPX-${rand(URLSAFE, 20)}`]);
  const accountKey = `${rand(B64, 86)}==`;
  s.push({
    rule: 'BH-SEC-007',
    positive: `STORAGE=DefaultEndpointsProtocol=https;AccountName=backups;AccountKey=${accountKey};EndpointSuffix=core.windows.net\n`,
    secret: accountKey,
    negatives: [{ content: `STORAGE=AccountName=backups;AccountKey=${rand(B64, 40)}==\n` }],
  });
  tok('BH-SEC-008', `${rand(AN, 3)}8Q~${rand(AN, 34)}`, [`${rand(AN, 3)}8Q-${rand(AN, 34)}`], (x) => `AZURE_CLIENT_SECRET=${x}\n`);
  const sig = `${rand(AN, 43)}%3D`;
  s.push({
    rule: 'BH-SEC-009',
    positive: `BACKUP_URL=https://backups.blob.core.windows.net/db/dump.tar?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&spr=https&sig=${sig}\n`,
    secret: sig,
    negatives: [{ content: `BACKUP_URL=https://backups.blob.core.windows.net/db/dump.tar?sp=rl&sig=${sig}\n` }],
  });
  tok('BH-SEC-010', rand('abcdefghijklmnopqrstuvwxyz234567', 52), ['contoso'], (x) => `AZURE_DEVOPS_PAT=${x}\n`);
  tok('BH-SEC-011', `LTAI${rand(AN, 20)}`, [`LTAI${rand(AN, 6)}`]);
  tok('BH-SEC-012', `dop_v1_${rand(HEX, 64)}`, [`dop_v1_${rand(HEX, 40)}`]);
  tok('BH-SEC-013', uuid(), [`my-app-${rand(LO, 6)}`], (x) => `HEROKU_API_KEY=${x}\n`);
  tok('BH-SEC-014', rand(URLSAFE, 40), ['zone'], (x) => `CLOUDFLARE_API_TOKEN=${x}\n`);
  tok('BH-SEC-015', `fo1_${rand(URLSAFE, 43)}`, [`fo1_${rand(URLSAFE, 20)}`]);
  tok('BH-SEC-016', `sha256~${rand(URLSAFE, 43)}`, [`sha256:${rand(HEX, 64)}`]);
  tok('BH-SEC-017', `ghp_${rand(AN, 36)}`, [`ghp_${rand(AN, 30)}`]);
  tok('BH-SEC-018', `github_pat_${rand(AN, 22)}_${rand(AN, 59)}`, [`github_pat_${rand(AN, 40)}`]);
  tok('BH-SEC-019', `gho_${rand(AN, 36)}`, [`gho_${rand(AN, 20)}`]);
  tok('BH-SEC-020', `ghs_${rand(AN, 36)}`, [`ghs_${rand(AN, 20)}`]);
  tok('BH-SEC-021', `ghr_${rand(AN, 76)}`, [`ghr_${rand(AN, 20)}`]);
  tok('BH-SEC-022', `glpat-${rand(URLSAFE, 20)}`, [`glpat-${rand(URLSAFE, 12)}`]);
  tok('BH-SEC-023', `glptt-${rand(HEX, 40)}`, [`glptt-${rand(HEX, 30)}`]);
  tok('BH-SEC-024', `GR1348941${rand(URLSAFE, 20)}`, [`GR1348941${rand(URLSAFE, 10)}`]);
  tok('BH-SEC-025', `glrt-${rand(URLSAFE, 20)}`, [`glrt-${rand(URLSAFE, 10)}`]);
  tok('BH-SEC-026', `gldt-${rand(URLSAFE, 20)}`, [`gldt-${rand(URLSAFE, 10)}`]);
  const bbSecret = rand(AN, 64);
  s.push({
    rule: 'BH-SEC-027',
    positive: `BITBUCKET_CLIENT_SECRET="${bbSecret}"\n`,
    secret: bbSecret,
    negatives: [{ content: `BITBUCKET_CLIENT_ID="${rand(AN, 32)}"\n` }],
  });
  tok('BH-SEC-028', `ATATT3${rand(URLSAFE, 186)}`, [`ATATT3${rand(URLSAFE, 40)}`]);
  const gitPw = rand(AN, 20);
  s.push({
    rule: 'BH-SEC-029',
    path: '/root/.git-credentials',
    positive: `https://deploy-bot:${gitPw}@git.corp.internal\n`,
    secret: gitPw,
    negatives: [{ path: '/app/notes.txt', content: `https://deploy-bot:${gitPw}@git.corp.internal\n` }, { content: 'https://git.corp.internal\n', path: '/root/.git-credentials' }],
  });
  const netrcPw = rand(AN, 16);
  s.push({
    rule: 'BH-SEC-030',
    path: '/root/.netrc',
    positive: `machine git.corp.internal login deploy password ${netrcPw}\n`,
    secret: netrcPw,
    negatives: [{ path: '/app/netrc.txt', content: `machine git.corp.internal login deploy password ${netrcPw}\n` }],
  });
  tok('BH-SEC-031', `xoxb-${rand(DIG, 12)}-${rand(DIG, 13)}-${rand(AN, 24)}`, [`xoxb-${rand(DIG, 4)}-${rand(AN, 6)}`]);
  tok('BH-SEC-032', `xoxp-${rand(DIG, 12)}-${rand(DIG, 12)}-${rand(DIG, 12)}-${rand(HEX, 32)}`, [`xoxp-${rand(DIG, 3)}-${rand(DIG, 3)}`]);
  tok('BH-SEC-033', `xapp-1-A${rand(UP + DIG, 10)}-${rand(DIG, 13)}-${rand(HEX, 64)}`, [`xapp-1-${rand(AN, 10)}`]);
  tok('BH-SEC-034', `xoxs-${rand(DIG, 10)}-${rand(DIG, 10)}-${rand(DIG, 10)}-${rand(HEX, 64)}`, [`xoxs-${rand(AN, 5)}`]);
  const slackPath = `T${rand(UP + DIG, 8)}/B${rand(UP + DIG, 8)}/${rand(AN, 24)}`;
  tok('BH-SEC-035', slackPath, ['T000/B000/abc'], (x) => `SLACK_WEBHOOK=https://hooks.slack.com/services/${x}\n`);
  tok('BH-SEC-036', rand(URLSAFE, 68), [rand(URLSAFE, 10)], (x) => `DISCORD_HOOK=https://discord.com/api/webhooks/1${rand(DIG, 17)}/${x}\n`);
  tok('BH-SEC-037', `M${rand(AN, 25)}.${rand(URLSAFE, 6)}.${rand(URLSAFE, 38)}`, ['general'], (x) => `DISCORD_BOT_TOKEN="${x}"\n`);
  const teams = rand(HEX, 32);
  s.push({
    rule: 'BH-SEC-038',
    positive: `TEAMS_HOOK=https://contoso.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${teams}/${uuid()}\n`,
    secret: teams,
    negatives: [{ content: `TEAMS_HOOK=https://contoso.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/\n` }],
  });
  tok('BH-SEC-039', `${rand(DIG, 10)}:AA${rand(URLSAFE, 33)}`, [`${rand(DIG, 10)}:AA${rand(URLSAFE, 20)}`], (x) => `TELEGRAM_BOT_TOKEN=${x}\n`);
  tok('BH-SEC-040', `sk_live_${rand(AN, 24)}`, [`pk_live_${rand(AN, 24)}`]);
  tok('BH-SEC-041', `whsec_${rand(AN, 32)}`, [`whsec_${rand(AN, 10)}`]);
  tok('BH-SEC-042', `sq0atp-${rand(URLSAFE, 22)}`, [`sq0atp-${rand(URLSAFE, 10)}`]);
  tok('BH-SEC-043', `access_token$production$${rand(LO + DIG, 16)}$${rand(HEX, 32)}`, [`access_token$sandbox$${rand(LO + DIG, 16)}$${rand(HEX, 32)}`]);
  tok('BH-SEC-044', `shpat_${rand(HEX, 32)}`, [`shpat_${rand(HEX, 16)}`]);
  const twilio = `SK${rand(HEX, 32)}`;
  s.push({ rule: 'BH-SEC-045', positive: `TWILIO_API_KEY=${twilio}\n`, secret: twilio, negatives: [{ content: `SIGNING=${twilio}\n` }] });
  tok('BH-SEC-046', `SG.${rand(URLSAFE, 22)}.${rand(URLSAFE, 43)}`, [`SG.${rand(URLSAFE, 10)}`]);
  tok('BH-SEC-047', `key-${rand(HEX, 32)}`, ['mg.corp.internal'], (x) => `MAILGUN_API_KEY=${x}\n`);
  tok('BH-SEC-048', `${rand(HEX, 32)}-us14`, [`${rand(HEX, 32)}-eu1`], (x) => `MAILCHIMP_API_KEY=${x}\n`);
  tok('BH-SEC-049', `xkeysib-${rand(HEX, 64)}-${rand(AN, 16)}`, [`xkeysib-${rand(HEX, 20)}`]);
  tok('BH-SEC-050', `npm_${rand(AN, 36)}`, [`npm_${rand(AN, 20)}`]);
  const npmrc = rand(URLSAFE, 40);
  s.push({
    rule: 'BH-SEC-051',
    path: '/root/.npmrc',
    positive: `registry=https://npm.corp.internal/\n//npm.corp.internal/:_authToken=${npmrc}\n`,
    secret: npmrc,
    negatives: [{ path: '/root/.npmrc', content: '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n' }, { path: '/app/npmrc.md', content: `//npm.corp.internal/:_authToken=${npmrc}\n` }],
  });
  tok('BH-SEC-052', `pypi-AgEIcHlwaS5vcmc${rand(URLSAFE, 100)}`, [`pypi-AgEIcHlwaS5vcmc${rand(URLSAFE, 20)}`]);
  const pypirc = rand(AN, 20);
  s.push({
    rule: 'BH-SEC-053',
    path: '/root/.pypirc',
    positive: `[distutils]\nindex-servers = internal\n\n[internal]\nrepository = https://pypi.corp.internal/\nusername = ci\npassword = ${pypirc}\n`,
    secret: pypirc,
    negatives: [{ path: '/app/setup.cfg', content: `[internal]\npassword = ${pypirc}\n` }],
  });
  tok('BH-SEC-054', `rubygems_${rand(HEX, 48)}`, [`rubygems_${rand(HEX, 20)}`]);
  const nuget = rand(AN, 20);
  s.push({
    rule: 'BH-SEC-055',
    path: '/app/NuGet.Config',
    positive: `<configuration>\n  <packageSourceCredentials>\n    <corp>\n      <add key="Username" value="ci" />\n      <add key="ClearTextPassword" value="${nuget}" />\n    </corp>\n  </packageSourceCredentials>\n</configuration>\n`,
    secret: nuget,
    negatives: [{ path: '/app/NuGet.Config', content: '<add key="Username" value="ci" />\n' }],
  });
  const dockerPw = rand(AN, 24);
  s.push({
    rule: 'BH-SEC-056',
    path: '/root/.docker/config.json',
    positive: `{\n  "auths": {\n    "registry.corp.internal": {\n      "auth": "${b64(`robot$ci:${dockerPw}`)}"\n    }\n  }\n}\n`,
    secret: dockerPw,
    negatives: [
      { path: '/root/.docker/config.json', content: '{"auths": {"ghcr.io": {}}, "credsStore": "desktop"}\n' },
      { path: '/root/.docker/config.json', content: `{"auths": {"r": {"auth": "${b64('justauser')}"}}}\n` },
    ],
  });
  const mvn = rand(AN, 20);
  s.push({
    rule: 'BH-SEC-057',
    path: '/root/.m2/settings.xml',
    positive: `<settings>\n  <servers>\n    <server>\n      <id>corp</id>\n      <username>ci</username>\n      <password>${mvn}</password>\n    </server>\n  </servers>\n</settings>\n`,
    secret: mvn,
    negatives: [
      { path: '/root/.m2/settings.xml', content: `<password>{${rand(B64, 44)}}</password>\n` },
      { path: '/root/.m2/settings.xml', content: '<password>${env.MAVEN_PASSWORD}</password>\n' },
    ],
  });
  tok('BH-SEC-058', `packagist_out_${rand(HEX, 68)}`, [`packagist_out_${rand(HEX, 20)}`]);
  const cargo = `cio${rand(AN, 32)}`;
  s.push({
    rule: 'BH-SEC-059',
    path: '/root/.cargo/credentials.toml',
    positive: `[registry]\ntoken = "${cargo}"\n`,
    secret: cargo,
    negatives: [{ path: '/app/Cargo.toml', content: `[registry]\ntoken = "${cargo}"\n` }],
  });
  const rsa = testRsaKey();
  s.push({
    rule: 'BH-SEC-060',
    path: '/root/.ssh/id_rsa',
    positive: rsa.pkcs1,
    secret: pemBody(rsa.pkcs1),
    negatives: [{ content: rsa.spki }, { content: '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n' }],
  });
  const ssh = lines(`b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW${rand(B64, 300)}`, 70);
  s.push({
    rule: 'BH-SEC-061',
    path: '/home/app/.ssh/id_ed25519',
    positive: `-----BEGIN OPENSSH PRIVATE KEY-----\n${ssh}\n-----END OPENSSH PRIVATE KEY-----\n`,
    secret: ssh.replace(/\n/g, ''),
    negatives: [{ content: `-----BEGIN OPENSSH PRIVATE KEY-----\n${ssh.slice(0, 70)}\n` }],
  });
  const pgp = `${lines(`lQOYBG${rand(B64, 400)}`)}\n=${rand(B64, 4)}`;
  s.push({
    rule: 'BH-SEC-062',
    path: '/app/signing.asc',
    positive: `-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: release signing\n\n${pgp}\n-----END PGP PRIVATE KEY BLOCK-----\n`,
    secret: pgp.replace(/\n/g, ''),
    negatives: [{ content: `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${pgp}\n-----END PGP PUBLIC KEY BLOCK-----\n` }],
  });
  const puttyPriv = [rand(B64, 64), rand(B64, 20)];
  const puttyHead = `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAI${rand(B64, 43)}\n${rand(B64, 10)}\n`;
  s.push({
    rule: 'BH-SEC-063',
    path: '/app/deploy.ppk',
    positive: `${puttyHead}Private-Lines: 2\n${puttyPriv.join('\n')}\nPrivate-MAC: ${rand(HEX, 64)}\n`,
    secret: puttyPriv.join(''),
    negatives: [{ content: puttyHead }],
  });
  tok('BH-SEC-064', `AGE-SECRET-KEY-1${rand('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`, [`age1${rand('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}`]);
  const wg = `${rand(B64, 42)}A=`;
  s.push({
    rule: 'BH-SEC-065',
    path: '/etc/wireguard/wg0.conf',
    positive: `[Interface]\nAddress = 10.8.0.2/32\nPrivateKey = ${wg}\n`,
    secret: wg,
    negatives: [{ content: `[Interface]\nPrivateKey = ${rand(B64, 20)}=\n` }],
  });
  const jwt = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"sub":"svc-${rand(DIG, 6)}","scope":"deploy","iat":1718000000}`)}.${rand(URLSAFE, 43)}`;
  tok('BH-SEC-066', jwt, [`eyJ${rand(AN, 30)}.eyJ${rand(AN, 30)}.${rand(URLSAFE, 43)}`], (x) => `SERVICE_JWT=${x}\n`);
  tok('BH-SEC-067', `hf_${rand(AN, 34)}`, [`hf_${rand(AN, 10)}`]);
  tok('BH-SEC-068', `sk-proj-${rand(URLSAFE, 74)}T3BlbkFJ${rand(URLSAFE, 74)}`, [`sk-proj-${rand(URLSAFE, 156)}`]);
  tok('BH-SEC-069', `sk-ant-api03-${rand(URLSAFE, 93)}AA`, [`sk-ant-api03-${rand(URLSAFE, 20)}`]);
  tok('BH-SEC-070', `dapi${rand(HEX, 32)}`, [`dapi${rand(HEX, 16)}`]);
  tok('BH-SEC-071', `${rand(AN, 14)}.atlasv1.${rand(URLSAFE, 67)}`, [`${rand(AN, 14)}.atlasv1.${rand(URLSAFE, 20)}`]);
  tok('BH-SEC-072', `hvs.${rand(URLSAFE, 95)}`, [`hvs.${rand(AN, 24)}`]);
  tok('BH-SEC-073', `dp.pt.${rand(AN, 43)}`, [`dp.pt.${rand(AN, 10)}`]);
  tok('BH-SEC-074', `dt0c01.${rand(UP + DIG, 24)}.${rand(UP + DIG, 64)}`, [`dt0c01.${rand(UP + DIG, 10)}`]);
  tok('BH-SEC-075', `glsa_${rand(AN, 32)}_${rand(HEX, 8)}`, [`glsa_${rand(AN, 10)}`]);
  tok('BH-SEC-076', `NRAK-${rand(UP + DIG, 27)}`, [`NRAK-${rand(UP + DIG, 10)}`]);
  tok('BH-SEC-077', `sntryu_${rand(HEX, 64)}`, [`sntryu_${rand(HEX, 10)}`]);
  tok('BH-SEC-078', rand(HEX, 32), ['datadoghq.eu'], (x) => `DD_API_KEY=${x}\n`);
  tok('BH-SEC-079', `pul-${rand(HEX, 40)}`, [`pul-${rand(HEX, 10)}`]);
  tok('BH-SEC-080', `PMAK-${rand(HEX, 24)}-${rand(HEX, 34)}`, [`PMAK-${rand(HEX, 10)}`]);
  tok('BH-SEC-081', `lin_api_${rand(AN, 40)}`, [`lin_api_${rand(AN, 10)}`]);
  tok('BH-SEC-082', `pscale_tkn_${rand(URLSAFE, 43)}`, [`pscale_tkn_${rand(URLSAFE, 10)}`]);
  tok('BH-SEC-083', `AKCp${rand(AN, 69)}`, [`AKCp${rand(AN, 20)}`]);
  tok('BH-SEC-084', `ops_eyJ${rand(B64, 300)}`, [`ops_eyJ${rand(B64, 40)}`]);
  tok('BH-SEC-085', `sk.eyJ${rand(URLSAFE, 60)}.${rand(URLSAFE, 22)}`, [`pk.eyJ${rand(URLSAFE, 60)}.${rand(URLSAFE, 22)}`]);
  tok('BH-SEC-086', `ntn_${rand(DIG, 11)}${rand(AN, 35)}`, [`ntn_${rand(AN, 10)}`]);
  tok('BH-SEC-087', `sqp_${rand(HEX, 40)}`, [`sqp_${rand(HEX, 10)}`]);
  tok('BH-SEC-088', uuid(), ['platform'], (x) => `SNYK_TOKEN=${x}\n`);
  tok('BH-SEC-089', `00${rand(URLSAFE, 40)}`, ['dev-1.okta.com'], (x) => `OKTA_API_TOKEN=${x}\n`);
  const kubeToken = rand(AN, 40);
  const kubeconfig = (user: string): string =>
    `apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n    server: https://10.0.0.1:6443\nusers:\n- name: ci\n  user:\n${user}contexts: []\n`;
  s.push({
    rule: 'BH-SEC-090',
    path: '/root/.kube/config',
    positive: kubeconfig(`    token: ${kubeToken}\n`),
    secret: kubeToken,
    negatives: [{ path: '/root/.kube/config', content: kubeconfig('    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n') }],
  });
  const secretValue = rand(AN, 24);
  const manifest = (kind: string): string =>
    `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: api\ntype: Opaque\ndata:\n  api-key: ${b64(secretValue)}\n`;
  s.push({ rule: 'BH-SEC-091', path: '/app/k8s/secret.yaml', positive: manifest('Secret'), secret: secretValue, negatives: [{ content: manifest('ConfigMap') }] });
  const dbPw = rand(AN, 20);
  s.push({
    rule: 'BH-SEC-092',
    positive: `DATABASE_URL=postgres://app:${dbPw}@db.corp.internal:5432/app\n`,
    secret: dbPw,
    negatives: [{ content: 'DATABASE_URL=postgres://postgres:postgres@localhost:5432/app\n' }, { content: 'DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app\n' }],
  });
  const pgpass = rand(AN, 20);
  s.push({
    rule: 'BH-SEC-093',
    path: '/root/.pgpass',
    positive: `db.corp.internal:5432:app:app:${pgpass}\n`,
    secret: pgpass,
    negatives: [{ path: '/app/pgpass.txt', content: `db.corp.internal:5432:app:app:${pgpass}\n` }],
  });
  const bearer = rand(AN, 40);
  s.push({
    rule: 'BH-SEC-094',
    path: '/app/deploy.sh',
    positive: `curl -fsS -H "Authorization: Bearer ${bearer}" https://api.corp.internal/v1/deploy\n`,
    secret: bearer,
    negatives: [{ content: 'curl -fsS -H "Authorization: Bearer $API_TOKEN" https://api.corp.internal/v1/deploy\n' }],
  });
  const password = `${rand(AN, 8)}!${rand(AN, 8)}#`;
  s.push({
    rule: 'BH-SEC-095',
    positive: `DB_USER=app\nDB_PASSWORD=${password}\n`,
    secret: password,
    negatives: [
      { content: 'DB_PASSWORD_FILE=/run/secrets/db_password\n' },
      { content: 'password = get_password()\n', path: '/app/db.py' },
      { content: 'password: "${{ secrets.DB_PASSWORD }}"\n', path: '/app/ci.yml' },
      { content: '<input type="password" name="password" placeholder="Password">\n', path: '/app/login.html' },
      { content: 'password: "Please enter your password"\n', path: '/app/i18n.yml' },
    ],
  });
  const secretKey = rand(AN, 40);
  s.push({
    rule: 'BH-SEC-096',
    path: '/app/settings.py',
    positive: `DEBUG = False\nSECRET_KEY = "${secretKey}"\n`,
    secret: secretKey,
    negatives: [
      { content: `csrf_token = "${rand(AN, 40)}"\n` },
      { content: 'secretName: db-credentials\n', path: '/app/deploy.yaml' },
      { content: 'token_url = "https://auth.corp.internal/oauth/token"\n' },
      { content: 'tokenizer = "bert-base-uncased-whole-word"\n' },
    ],
  });
  return s;
}
