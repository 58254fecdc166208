import { readFileSync } from 'node:fs';

/**
 * The committed test certificate (see fixtures/README.md): self-signed for
 * 127.0.0.1 and localhost. Clients trust it by passing {@link localhostCert}
 * as their CA.
 */

const read = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** PEM certificate for `127.0.0.1` / `localhost`; also the CA to trust. */
export const localhostCert: string = read('localhost-cert.pem');

/** PEM private key of {@link localhostCert}. */
export const localhostKey: string = read('localhost-key.pem');
