/**
 * Test PKI made with the openssl CLI: a CA, a server certificate for
 * 127.0.0.1/localhost signed by it, and a self-signed token-signing
 * certificate (ES256) for registry token auth.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${err.stderr ?? err.message}`);
  }
}

export interface TestPki {
  caFile: string;
  serverCert: string;
  serverKey: string;
}

export async function makeServerPki(dir: string): Promise<TestPki> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Bulkhead Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  await openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  await writeFile(
    path.join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n',
  );
  await openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext'], dir);
  return { caFile: path.join(dir, 'ca.crt'), serverCert: path.join(dir, 'server.crt'), serverKey: path.join(dir, 'server.key') };
}

export interface TokenSigner {
  /** PEM private key (P-256). */
  keyPem: string;
  /** PEM certificate, also the registry's rootcertbundle. */
  certFile: string;
  /** base64 DER of the certificate, for the JWT `x5c` header. */
  certDerBase64: string;
}

export async function makeTokenSigner(dir: string): Promise<TokenSigner> {
  await openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'token.key', '-out', 'token.crt',
      '-days', '2', '-subj', '/CN=Bulkhead Test Token Signer'],
    dir,
  );
  const certPem = await readFile(path.join(dir, 'token.crt'), 'utf8');
  const certDerBase64 = certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return { keyPem: await readFile(path.join(dir, 'token.key'), 'utf8'), certFile: path.join(dir, 'token.crt'), certDerBase64 };
}
