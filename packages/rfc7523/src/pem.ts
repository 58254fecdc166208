import { InvalidArgumentError } from '@x/core';

/**
 * PEM parsing and the two DER wrappers that turn the legacy private-key
 * formats OpenSSL still writes — PKCS#1 `RSA PRIVATE KEY` and SEC1
 * `EC PRIVATE KEY` — into the PKCS#8 `PRIVATE KEY` that WebCrypto (and so
 * jose's `importPKCS8`) imports. No key material is ever put in an error.
 */

/** One PEM block: its label (`PRIVATE KEY`, `RSA PRIVATE KEY`, ...) and DER bytes. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*?)-----END \1-----/;

/** `true` when `text` looks like PEM (a `-----BEGIN ...-----` line). */
export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/**
 * The first PEM block of `text`.
 *
 * @throws InvalidArgumentError when there is no well-formed block.
 * @see https://www.rfc-editor.org/rfc/rfc7468
 */
export function parsePem(text: string): PemBlock {
  const match = PEM_BLOCK.exec(text);
  if (match === null) {
    throw new InvalidArgumentError('the key is not a well-formed PEM block', { secrets: [text] });
  }
  const body = (match[2] ?? '').replace(/\s+/g, '');
  let binary: string;
  try {
    binary = atob(body);
  } catch {
    throw new InvalidArgumentError('the PEM key is not valid base64', { secrets: [text] });
  }
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
  return { label: match[1] as string, der };
}

/** PEM text for DER bytes under `label`, 64 characters a line. */
export function toPem(label: string, der: Uint8Array): string {
  let binary = '';
  for (const byte of der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return [0x80 | bytes.length, ...bytes];
}

/** A DER TLV: `tag`, the definite length, then the parts. */
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const head = [tag, ...derLength(length)];
  const out = new Uint8Array(head.length + length);
  out.set(head, 0);
  let offset = head.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const SEQUENCE = 0x30;
const OCTET_STRING = 0x04;
/** INTEGER 0: the PKCS#8 version. */
const VERSION_0 = bytes(0x02, 0x01, 0x00);
/** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
const RSA_ENCRYPTION = tlv(
  SEQUENCE,
  bytes(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01),
  bytes(0x05, 0x00),
);
/** id-ecPublicKey (1.2.840.10045.2.1). */
const EC_PUBLIC_KEY = bytes(0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);
/** The named-curve OIDs of P-256, P-384 and P-521. */
const CURVES: Readonly<Record<'ES256' | 'ES384' | 'ES512', Uint8Array>> = {
  ES256: bytes(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07),
  ES384: bytes(0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22),
  ES512: bytes(0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23),
};

/**
 * Wraps a PKCS#1 `RSAPrivateKey` (DER) as a PKCS#8 `PrivateKeyInfo` PEM,
 * the same transformation as `openssl pkcs8 -topk8 -nocrypt`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5208#section-5
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2
 */
export function pkcs1ToPkcs8(der: Uint8Array): string {
  return toPem('PRIVATE KEY', tlv(SEQUENCE, VERSION_0, RSA_ENCRYPTION, tlv(OCTET_STRING, der)));
}

/**
 * Wraps a SEC1 `ECPrivateKey` (DER) as a PKCS#8 `PrivateKeyInfo` PEM for
 * the curve of `alg` (`ES256` → P-256, `ES384` → P-384, `ES512` → P-521).
 * A key on another curve then fails to import.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5915#section-3
 * @see https://www.rfc-editor.org/rfc/rfc5480#section-2.1.1
 */
export function sec1ToPkcs8(der: Uint8Array, alg: 'ES256' | 'ES384' | 'ES512'): string {
  const algorithm = tlv(SEQUENCE, EC_PUBLIC_KEY, CURVES[alg]);
  return toPem('PRIVATE KEY', tlv(SEQUENCE, VERSION_0, algorithm, tlv(OCTET_STRING, der)));
}
