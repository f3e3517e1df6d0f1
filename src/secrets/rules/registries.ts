/**
 * Package and container registry credentials, including the client
 * configuration files that hold them (.npmrc, .pypirc, Docker config.json,
 * Maven settings.xml, NuGet.Config, Cargo credentials) (BH-SEC-050 … 059).
 */
import type { SecretRule } from '../rule.js';
import { baseName, decodeBase64, isPrintable } from '../rule.js';
import { defineRule } from './define.js';

/** The password of a base64 `user:password` (Docker `auth`), or null. */
export function passwordOfBasicAuth(b64: string): string | null {
  const bytes = decodeBase64(b64, 16 * 1024);
  if (!bytes || !isPrintable(bytes)) return null;
  const text = bytes.toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) return null;
  return text.slice(colon + 1);
}

export const registryRules: readonly SecretRule[] = [
  defineRule({
    n: 50,
    title: 'npm access token',
    severity: 'critical',
    grants: 'publishing new versions of the npm packages the user maintains (a supply-chain attack)',
    issuer: 'npm (Access Tokens, delete the token)',
    refs: ['gitleaks:npm-access-token', 'trivy:npm-access-token'],
    keywords: ['npm_'],
    regex: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/,
    entropy: 3,
  }),
  defineRule({
    n: 51,
    title: 'Registry credential in .npmrc',
    severity: 'high',
    grants: 'reading, and often publishing, packages of the npm registry it is configured for',
    issuer: 'the registry named in the .npmrc line',
    keywords: ['_authtoken', '_auth', '_password'],
    appliesTo: (path) => {
      const b = baseName(path);
      return b === '.npmrc' || b === 'npmrc';
    },
    regex: /^[ \t]*(?:\/\/[^\s=]{1,512})?:?_(?:authToken|auth|password)[ \t]*=[ \t]*["']?([^\s"']{1,4096})/m,
  }),
  defineRule({
    n: 52,
    title: 'PyPI upload token',
    severity: 'critical',
    grants: 'uploading releases of the PyPI projects in its scope (a supply-chain attack)',
    issuer: 'PyPI (Account settings, API tokens)',
    refs: ['gitleaks:pypi-upload-token', 'trivy:pypi-upload-token'],
    keywords: ['pypi-ageichlwas5vcmc', 'pypi-agendgvzdc5wexbplm9yzw'],
    regex: /(pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})(?![A-Za-z0-9_-])/,
    entropy: 3,
  }),
  defineRule({
    n: 53,
    title: 'Password in .pypirc',
    severity: 'high',
    grants: 'uploading to the package index configured in the .pypirc',
    issuer: 'the package index (PyPI or a private index)',
    keywords: ['password'],
    appliesTo: (path) => baseName(path) === '.pypirc',
    regex: /^[ \t]*password[ \t]*[=:][ \t]*(\S{1,1024})/m,
  }),
  defineRule({
    n: 54,
    title: 'RubyGems API key',
    severity: 'critical',
    grants: 'pushing new versions of the gems the account owns (a supply-chain attack)',
    issuer: 'RubyGems.org (Settings, API keys)',
    refs: ['gitleaks:rubygems-api-token', 'trivy:rubygems-api-token'],
    keywords: ['rubygems_'],
    regex: /(?<![A-Za-z0-9_])(rubygems_[a-f0-9]{48})(?![A-Za-z0-9_])/,
    entropy: 3,
  }),
  defineRule({
    n: 55,
    title: 'Password in NuGet.Config',
    severity: 'high',
    grants: 'access to the NuGet feeds configured with it',
    issuer: 'the NuGet feed (change the password or token)',
    refs: ['gitleaks:nuget-config-password'],
    keywords: ['password'],
    appliesTo: (path) => baseName(path).toLowerCase() === 'nuget.config',
    regex: /<add\s{1,8}key\s{0,4}=\s{0,4}"(?:ClearText)?Password"\s{1,8}value\s{0,4}=\s{0,4}"([^"]{1,1024})"/i,
  }),
  defineRule({
    n: 56,
    title: 'Container registry credentials (Docker config auth)',
    severity: 'critical',
    grants: 'pulling, and usually pushing, images of the container registry as the user',
    issuer: 'the container registry (change the password or revoke the token)',
    refs: ['trivy:dockerconfig-secret'],
    keywords: ['"auth"', '"identitytoken"', '"registrytoken"'],
    regex: /"(?<field>auth|identitytoken|registrytoken)"\s{0,4}:\s{0,4}"(?<secret>[^"\\\s]{4,8192})"/,
    verify: (secret, { match }) => (match.groups?.field === 'auth' ? passwordOfBasicAuth(secret) : secret.length >= 8 ? secret : null),
  }),
  defineRule({
    n: 57,
    title: 'Password in Maven settings',
    severity: 'high',
    grants: 'access to the Maven repositories and servers configured with it',
    issuer: 'the repository server (change the password)',
    refs: ['trivy:maven-settings-password', 'trivy:maven-settings-passphrase', 'trivy:maven-settings-security-master'],
    keywords: ['<password>', '<passphrase>', '<master>'],
    appliesTo: (path) => {
      const b = baseName(path);
      return b === 'settings.xml' || b === 'settings-security.xml';
    },
    // `{…}` values are encrypted with the master password; `${…}` are property references.
    regex: /<(password|passphrase|master)>[ \t]{0,16}(?<secret>[^<\s{][^<{]{0,1023})<\/\1>/,
    verify: (secret) => secret.trim() || null,
  }),
  defineRule({
    n: 58,
    title: 'Private Packagist token',
    severity: 'high',
    grants: 'installing, or managing, the private Composer packages of the organization',
    issuer: 'Private Packagist (revoke the token)',
    refs: ['trivy:private-packagist-token'],
    keywords: ['packagist_'],
    regex: /(?<![A-Za-z0-9_])(packagist_[ou][ru]t_[a-f0-9]{68})(?![A-Za-z0-9_])/i,
    entropy: 3,
  }),
  defineRule({
    n: 59,
    title: 'Cargo registry token',
    severity: 'high',
    grants: 'publishing and yanking crates of the account on the registry',
    issuer: 'crates.io (Account settings, API Tokens) or the private registry',
    keywords: ['token'],
    appliesTo: (path) => path.endsWith('/.cargo/credentials') || path.endsWith('/.cargo/credentials.toml'),
    regex: /^[ \t]*token[ \t]*=[ \t]*["']([^"'\s]{8,512})["']/m,
  }),
];
