/** Byte helpers: UTF-8, standard base64 (RFC 4648 4) and constant-time comparison. */

const utf8 = new TextEncoder();

/** The UTF-8 bytes of `text`. */
export function utf8Bytes(text: string): Uint8Array<ArrayBuffer> {
  return utf8.encode(text);
}

/** Standard base64 with padding, as RFC 5849 3.4.2 and 3.4.3 require (RFC 2045 6.8). */
export function base64FromBytes(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) {
    binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes canonical padded base64, or returns `undefined` for anything else. */
export function bytesFromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compares a received value with the expected one in time that depends only
 * on the expected value's length, not on where they differ (signatures, body
 * hashes).
 */
export function timingSafeEqual(expected: string, received: string): boolean {
  const x = utf8.encode(expected);
  const y = utf8.encode(received);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] ?? 0);
  return diff === 0;
}
