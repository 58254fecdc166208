/**
 * The few DER structures needed to hand RSA keys to Web Crypto, which imports
 * only PKCS#8 (private) and SPKI (public): wrapping PKCS#1 keys in those
 * envelopes, and finding the SPKI inside an X.509 certificate. No
 * cryptography here, only ASN.1 framing.
 */
import { InvalidArgumentError } from '@x/core';

/** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
const RSA_ALGORITHM = Uint8Array.of(
  0x30,
  0x0d,
  0x06,
  0x09,
  0x2a,
  0x86,
  0x48,
  0x86,
  0xf7,
  0x0d,
  0x01,
  0x01,
  0x01,
  0x05,
  0x00,
);
const SEQUENCE = 0x30;

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function tlv(tag: number, content: Uint8Array): Uint8Array<ArrayBuffer> {
  return concat(Uint8Array.of(tag), encodeLength(content.length), content);
}

/** PrivateKeyInfo (RFC 5208) around an RSAPrivateKey (RFC 8017 A.1.2). */
export function pkcs1PrivateToPkcs8(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  return tlv(SEQUENCE, concat(Uint8Array.of(0x02, 0x01, 0x00), RSA_ALGORITHM, tlv(0x04, pkcs1)));
}

/** SubjectPublicKeyInfo (RFC 5280 4.1) around an RSAPublicKey (RFC 8017 A.1.1). */
export function pkcs1PublicToSpki(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  return tlv(SEQUENCE, concat(RSA_ALGORITHM, tlv(0x03, concat(Uint8Array.of(0), pkcs1))));
}

interface Element {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  content: number;
  /** Offset just past the element. */
  end: number;
}

function readElement(der: Uint8Array, offset: number, limit: number): Element {
  const malformed = () => new InvalidArgumentError('malformed DER in certificate');
  if (offset + 2 > limit) throw malformed();
  const tag = der[offset] as number;
  let length = der[offset + 1] as number;
  let content = offset + 2;
  if (length >= 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || content + count > limit) throw malformed();
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[content + i] as number);
    content += count;
  }
  const end = content + length;
  if (end > limit) throw malformed();
  return { tag, start: offset, content, end };
}

/**
 * The DER SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 4.1):
 * tbsCertificate's seventh field, after the optional version.
 */
export function spkiFromCertificate(der: Uint8Array): Uint8Array<ArrayBuffer> {
  const certificate = readElement(der, 0, der.length);
  const tbs = readElement(der, certificate.content, certificate.end);
  if (certificate.tag !== SEQUENCE || tbs.tag !== SEQUENCE) {
    throw new InvalidArgumentError('not an X.509 certificate');
  }
  let field = readElement(der, tbs.content, tbs.end);
  if (field.tag === 0xa0) field = readElement(der, field.end, tbs.end); // [0] version
  // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo.
  for (let i = 0; i < 5; i++) field = readElement(der, field.end, tbs.end);
  if (field.tag !== SEQUENCE) throw new InvalidArgumentError('not an X.509 certificate');
  return der.slice(field.start, field.end);
}
