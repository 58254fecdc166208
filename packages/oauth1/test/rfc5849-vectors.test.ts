/**
 * RFC 5849's own examples as fixed vectors: the section 1.2 flow (the
 * photos.example.net printer story), the 3.4.1 base string with its
 * `c2&a3=2+q` body, the 3.4.1.2 base string URIs, and the PLAINTEXT
 * requests of 2.1 and 2.3.
 */
import type { HttpRequest } from '@x/core';
import { describe, expect, it } from 'vitest';
import {
  baseStringUri,
  normalizeParameters,
  parseAuthorizationHeader,
  requestParameters,
  signatureBaseString,
  signRequest,
  verifySignature,
} from '../src/index.js';

const FORM = 'application/x-www-form-urlencoded';

function request(method: string, url: string, body?: string): HttpRequest {
  const headers = new Headers();
  if (body !== undefined) headers.set('content-type', FORM);
  return { method, url, headers, body };
}

/** The parameters of an Authorization header, as a record, realm included. */
function headerFields(signed: HttpRequest): Record<string, string> {
  const parsed = parseAuthorizationHeader(signed.headers.get('authorization'));
  expect(parsed).toBeDefined();
  return { realm: parsed?.realm ?? '', ...Object.fromEntries(parsed?.params ?? []) };
}

describe('RFC 5849 1.2: the photos.example.net flow', () => {
  const client = {
    clientId: 'dpf43f3p2l4k3l03',
    clientSecret: 'kd94hf93k423kf44',
    realm: 'Photos',
  };

  it('signs the temporary credentials request (POST /initiate)', async () => {
    const signed = await signRequest(
      request('POST', 'https://photos.example.net/initiate'),
      { ...client, redirectUri: 'http://printer.example.com/ready' },
      { nonce: 'wIjqoS', timestamp: 137131200, includeVersion: false },
    );
    expect(headerFields(signed)).toEqual({
      realm: 'Photos',
      oauth_consumer_key: 'dpf43f3p2l4k3l03',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131200',
      oauth_nonce: 'wIjqoS',
      oauth_callback: 'http://printer.example.com/ready',
      oauth_signature: '74KNZJeDHnMBp0EMJ9ZHt/XKycU=',
    });
    const header = signed.headers.get('authorization') ?? '';
    expect(header).toMatch(/^OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", /);
    expect(header).toContain('oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready"');
    expect(header).toContain('oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"');
  });

  it('signs the token request (POST /token) with the temporary credentials and verifier', async () => {
    const signed = await signRequest(
      request('POST', 'https://photos.example.net/token'),
      {
        ...client,
        token: 'hh5s93j4hdidpola',
        tokenSecret: 'hdhd0244k9j7ao03',
        verifier: 'hfdp7dh39dks9884',
      },
      { nonce: 'walatlh', timestamp: 137131201, includeVersion: false },
    );
    expect(headerFields(signed)).toMatchObject({
      oauth_token: 'hh5s93j4hdidpola',
      oauth_verifier: 'hfdp7dh39dks9884',
      oauth_signature: 'gKgrFCywp7rO0OXSjdot/IHF7IU=',
    });
    expect(signed.headers.get('authorization')).toContain(
      'oauth_signature="gKgrFCywp7rO0OXSjdot%2FIHF7IU%3D"',
    );
  });

  it('signs the protected resource request (GET /photos) exactly as the RFC prints it', async () => {
    const signed = await signRequest(
      request('GET', 'http://photos.example.net/photos?file=vacation.jpg&size=original'),
      { ...client, token: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' },
      { nonce: 'chapoH', timestamp: 137131202, includeVersion: false },
    );
    expect(signed.headers.get('authorization')).toBe(
      'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", ' +
        'oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", ' +
        'oauth_timestamp="137131202", oauth_nonce="chapoH", ' +
        'oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"',
    );
    // The URL and the (absent) body are left as they were.
    expect(signed.url).toBe('http://photos.example.net/photos?file=vacation.jpg&size=original');
    expect(signed.body).toBeUndefined();
    expect(
      signatureBaseString('GET', signed.url, [
        ...requestParameters(signed),
        ...(parseAuthorizationHeader(signed.headers.get('authorization'))?.params ?? []),
      ]),
    ).toBe(
      'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26' +
        'oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26' +
        'oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26' +
        'oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal',
    );
  });

  it('accepts the RFC request as printed, in the verifier', async () => {
    const printed: HttpRequest = {
      method: 'GET',
      url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
      headers: new Headers({
        authorization:
          'OAuth realm="Photos",  oauth_consumer_key="dpf43f3p2l4k3l03", ' +
          '    oauth_token="nnch734d00sl2jdk",  oauth_signature_method="HMAC-SHA1", ' +
          '  oauth_timestamp="137131202",  oauth_nonce="chapoH", ' +
          '    oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"',
      }),
    };
    const params = await verifySignature(printed, {
      clientSecret: 'kd94hf93k423kf44',
      tokenSecret: 'pfkkdhi9sl3r4s00',
      clock: { now: () => 137131202_000 },
      nonceStore: { check: () => true },
    });
    expect(params).toEqual({
      oauth_consumer_key: 'dpf43f3p2l4k3l03',
      oauth_token: 'nnch734d00sl2jdk',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131202',
      oauth_nonce: 'chapoH',
    });
  });
});

describe('RFC 5849 3.4.1: the signature base string example', () => {
  const url = 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b';
  const body = 'c2&a3=2+q';
  const credentials = {
    clientId: '9djdj82h48djs9d2',
    clientSecret: 'j49sk3j29djd',
    token: 'kkk9d7dh3k39sjv7',
    tokenSecret: 'dh893hdasih9',
  };
  const values = { nonce: '7d8f3e4a', timestamp: '137131201', includeVersion: false };
  const BASE_STRING =
    'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q' +
    '%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_' +
    'key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m' +
    'ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk' +
    '9d7dh3k39sjv7';

  it('decodes the parameters of 3.4.1.3.1 (`+` in the body is a space)', () => {
    expect(requestParameters(request('POST', url, body))).toEqual([
      ['b5', '=%3D'],
      ['a3', 'a'],
      ['c@', ''],
      ['a2', 'r b'],
      ['c2', ''],
      ['a3', '2 q'],
    ]);
  });

  it('normalizes them as 3.4.1.3.2 shows', () => {
    const params = [
      ...requestParameters(request('POST', url, body)),
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      ['oauth_signature', 'djosJKDKJSD8743243/jdk33klY='],
    ] as const;
    expect(normalizeParameters(params)).toBe(
      'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9dj' +
        'dj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1' +
        '&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7',
    );
  });

  it('builds the exact base string and the signature (as corrected by errata 2550)', async () => {
    const signed = await signRequest(
      request('POST', url, body),
      { ...credentials, realm: 'Example' },
      values,
    );
    const header = parseAuthorizationHeader(signed.headers.get('authorization'));
    expect(
      signatureBaseString('POST', url, [...requestParameters(signed), ...(header?.params ?? [])]),
    ).toBe(BASE_STRING);
    // RFC 5849 prints bYT5CMsGcbgUdFHObYMEfcx6bsw=; verified errata 2550 corrects it to
    // r6/TJjbCOr97/+UU0NsvSne7s5g= (HMAC-SHA1 of the printed base string with the printed key).
    expect(Object.fromEntries(header?.params ?? []).oauth_signature).toBe(
      'r6/TJjbCOr97/+UU0NsvSne7s5g=',
    );
    expect(header?.realm).toBe('Example');
    expect(signed.body).toBe(body);
  });

  it('gives the same base string, hence the same signature, for every signature type', async () => {
    const signatures = new Set<string>();
    for (const signatureType of ['HEADER', 'QUERY', 'BODY'] as const) {
      const signed = await signRequest(
        request('POST', url, body),
        { ...credentials, signatureType },
        values,
      );
      const params = await verifySignature(signed, {
        clientSecret: credentials.clientSecret,
        tokenSecret: credentials.tokenSecret,
        clock: { now: () => 137131201_000 },
        nonceStore: { check: () => true },
      });
      expect(params.oauth_token).toBe(credentials.token);
      const all = [
        ...requestParameters(signed),
        ...(parseAuthorizationHeader(signed.headers.get('authorization'))?.params ?? []),
      ];
      expect(signatureBaseString('POST', signed.url, all)).toBe(BASE_STRING);
      signatures.add(all.find(([name]) => name === 'oauth_signature')?.[1] ?? '');
    }
    expect([...signatures]).toEqual(['r6/TJjbCOr97/+UU0NsvSne7s5g=']);
  });
});

describe('RFC 5849 3.4.1.2: base string URI', () => {
  it.each([
    ['HTTP://EXAMPLE.COM:80/r%20v/X?id=123', 'http://example.com/r%20v/X'],
    ['https://www.example.net:8080/?q=1', 'https://www.example.net:8080/'],
    ['https://Example.com:443/a#frag', 'https://example.com/a'],
    ['http://user:pw@example.com:8080', 'http://example.com:8080/'],
    ['https://example.com:80/', 'https://example.com:80/'],
  ])('%s → %s', (url, expected) => {
    expect(baseStringUri(url)).toBe(expected);
  });

  it('refuses a scheme other than http(s)', () => {
    expect(() => baseStringUri('ftp://example.com/')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('RFC 5849 2.1 and 2.3: PLAINTEXT', () => {
  it('sends the encoded secrets joined by & as the signature', async () => {
    const temporary = await signRequest(
      request('POST', 'https://server.example.com/request_temp_credentials'),
      {
        clientId: 'jd83jd92dhsh93js',
        clientSecret: 'ja893SD9',
        signatureMethod: 'PLAINTEXT',
        redirectUri: 'http://client.example.net/cb?x=1',
        realm: 'Example',
      },
      { nonce: 'n', timestamp: 1 },
    );
    const header = temporary.headers.get('authorization') ?? '';
    expect(header).toContain('oauth_signature="ja893SD9%26"');
    expect(header).toContain('oauth_callback="http%3A%2F%2Fclient.example.net%2Fcb%3Fx%3D1"');

    const token = await signRequest(
      request('POST', 'https://server.example.com/request_token'),
      {
        clientId: 'jd83jd92dhsh93js',
        clientSecret: 'ja893SD9',
        token: 'hdk48Djdsa',
        tokenSecret: 'xyz4992k83j47x0b',
        verifier: '473f82d3',
        signatureMethod: 'PLAINTEXT',
      },
      { nonce: 'n', timestamp: 1 },
    );
    expect(token.headers.get('authorization')).toContain(
      'oauth_signature="ja893SD9%26xyz4992k83j47x0b"',
    );
  });
});
