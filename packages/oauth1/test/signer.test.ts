/**
 * The two signing back ends behind `#signer`: Web Crypto (`signer.ts`, every
 * runtime) and node:crypto (`signer.node.ts`, picked on Node by the `node`
 * condition). Both are imported directly and must produce byte-identical
 * signatures on the same vectors; the package must route each runtime to
 * the right one.
 */
import { generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as resolved from '#signer';
import { type HashAlgorithm, importRsaPrivateKey, signingKey } from '../src/index.js';
import * as web from '../src/lib/signer.js';
import * as node from '../src/lib/signer.node.js';

// Both modules must offer the same functions with the same types.
const webShape: typeof web = node;
const nodeShape: typeof node = web;

const HASHES: HashAlgorithm[] = ['SHA-1', 'SHA-256', 'SHA-512'];

// RFC 5849 1.2: the signed request for the photo, its key and signature.
const RFC_BASE_STRING =
  'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal';
const RFC_KEY = signingKey('kd94hf93k423kf44', 'pfkkdhi9sl3r4s00');

const VECTORS: Array<[key: string, data: string]> = [
  [RFC_KEY, RFC_BASE_STRING],
  ['&', ''],
  ['client%20secret&token%20secret', 'POST&https%3A%2F%2Fapi.example.com%2F&a%3D1'],
  ['k&', 'unicode in data: é ☃ 😀 and a lone surrogate \ud800 end'],
  ['ünïcödé key ☃&', 'data'],
  ['x'.repeat(200), 'a long key, longer than the SHA-1 and SHA-512 block sizes'],
];

describe('HMAC: Web Crypto and node:crypto agree', () => {
  it('signs RFC 5849 1.2 to its published signature on both', async () => {
    expect(await web.hmacBase64(RFC_KEY, RFC_BASE_STRING, 'SHA-1')).toBe(
      'MdpQcU8iPSUjWoN/UDMsK2sui9I=',
    );
    expect(await node.hmacBase64(RFC_KEY, RFC_BASE_STRING, 'SHA-1')).toBe(
      'MdpQcU8iPSUjWoN/UDMsK2sui9I=',
    );
  });

  for (const hash of HASHES) {
    it(`${hash}: fixed vectors, first use (key import) and cached use`, async () => {
      for (const [key, data] of VECTORS) {
        const expected = await web.hmacBase64(key, data, hash);
        expect(expected).toMatch(/^[A-Za-z0-9+/]+=*$/);
        expect(await node.hmacBase64(key, data, hash)).toBe(expected);
        // The second call runs on the cached key, synchronously on Node.
        const cached = node.hmacBase64(key, data, hash);
        expect(typeof cached).toBe('string');
        expect(cached).toBe(expected);
      }
    });
  }

  it('agrees on arbitrary keys and data (any UTF-16, lone surrogates included)', async () => {
    const unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    // A key string always holds at least the `&` (Web Crypto refuses empty HMAC keys).
    const key = fc.string({ unit, minLength: 1 });
    await fc.assert(
      fc.asyncProperty(
        key,
        fc.string({ unit }),
        fc.constantFrom(...HASHES),
        async (key, data, hash) => {
          expect(await node.hmacBase64(key, data, hash)).toBe(
            await web.hmacBase64(key, data, hash),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('RSA: Web Crypto and node:crypto agree', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;

  for (const hash of HASHES) {
    it(`${hash}: PKCS#1, PKCS#8 and JWK keys sign identically, and node:crypto verifies`, async () => {
      for (const [, data] of VECTORS) {
        const signatures = new Set<string>();
        for (const input of [pkcs1, pkcs8, jwk]) {
          const key = await importRsaPrivateKey(input, hash);
          const fromWeb = await web.rsaBase64(key, data, hash);
          const fromNode = node.rsaBase64(key, data, hash);
          expect(typeof fromNode).toBe('string');
          expect(fromNode).toBe(fromWeb);
          signatures.add(await fromNode);
        }
        // PKCS#1 v1.5 is deterministic: one signature, whatever the key's form.
        expect(signatures.size).toBe(1);
        const [signature] = signatures;
        const digest = `sha${hash.slice(4)}`;
        expect(
          nodeVerify(
            digest,
            Buffer.from(data, 'utf8'),
            publicKey,
            Buffer.from(signature as string, 'base64'),
          ),
        ).toBe(true);
      }
    });
  }
});

describe('#signer routing', () => {
  it('resolves to node:crypto on Node (the `node` condition)', () => {
    expect(resolved.SIGNER).toBe('node');
    expect(node.SIGNER).toBe('node');
    expect(web.SIGNER).toBe('web-crypto');
  });

  it('sends every other runtime to Web Crypto, in development and in the published package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const published = pkg.publishConfig.imports['#signer'];
    expect(Object.keys(published)).toEqual(['node', 'default']);
    // `types` first under `node`: typecheckers see the Web signer's types, so Node's types
    // never leak into the package's Web-only sources.
    expect(published).toEqual({
      node: { types: './dist/lib/signer.d.ts', default: './dist/lib/signer.node.js' },
      default: './dist/lib/signer.js',
    });
    const source = pkg.imports['#signer'];
    expect(Object.keys(source)).toEqual(['@x/source', 'node', 'default']);
    expect(source['@x/source']).toEqual({
      types: './src/lib/signer.ts',
      node: './src/lib/signer.node.ts',
      default: './src/lib/signer.ts',
    });
    expect({ node: source.node, default: source.default }).toEqual(published);
  });

  it('keeps both modules interchangeable', () => {
    expect(Object.keys(webShape).sort()).toEqual(Object.keys(nodeShape).sort());
  });
});
