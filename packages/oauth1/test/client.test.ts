/**
 * OAuth1Client without a network: the authorization URL, the callback
 * checks, the token it holds, argument validation. (The flow over HTTP is in
 * three-legged.test.ts.)
 */
import { inspect } from 'node:util';
import type { Transport } from '@x/core';
import { describe, expect, it } from 'vitest';
import { OAuth1Client, OAuth1ResponseError, processCredentialsResponse } from '../src/index.js';

const unreachable: Transport = () => {
  throw new Error('no request expected');
};

function client(token?: { oauth_token: string; oauth_token_secret: string }): OAuth1Client {
  const oauth = new OAuth1Client({
    clientId: 'c',
    clientSecret: 'client-secret-value',
    transport: unreachable,
  });
  if (token) oauth.token = token;
  return oauth;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const TEMPORARY = { oauth_token: 'hh5s93j4hdidpola', oauth_token_secret: 'hdhd0244k9j7ao03' };

describe('OAuth1Client.createAuthorizationUrl', () => {
  it('adds the stored temporary token and extra parameters to the query', () => {
    const url = client(TEMPORARY).createAuthorizationUrl(
      'https://photos.example.net/authorize?a=1',
      {
        force_login: 'true',
      },
    );
    expect(url).toBe(
      'https://photos.example.net/authorize?a=1&oauth_token=hh5s93j4hdidpola&force_login=true',
    );
  });

  it('uses requestToken when given, and needs a token otherwise', () => {
    expect(
      client().createAuthorizationUrl('https://p.example/authorize', { requestToken: 'x y' }),
    ).toBe('https://p.example/authorize?oauth_token=x+y');
    expect(
      thrown(() => client().createAuthorizationUrl('https://p.example/authorize')),
    ).toMatchObject({
      code: 'ERR_MISSING_TOKEN',
    });
    expect(
      thrown(() => client(TEMPORARY).createAuthorizationUrl('http://p.example/authorize')),
    ).toMatchObject({ code: 'ERR_INSECURE_TRANSPORT' });
  });
});

describe('OAuth1Client.parseAuthorizationResponse', () => {
  it('returns oauth_token and oauth_verifier (RFC 5849 1.2 callback), from an absolute URL or a path', () => {
    const callback =
      'http://printer.example.com/ready?oauth_token=hh5s93j4hdidpola&oauth_verifier=hfdp7dh39dks9884';
    expect(client(TEMPORARY).parseAuthorizationResponse(callback)).toEqual({
      oauth_token: 'hh5s93j4hdidpola',
      oauth_verifier: 'hfdp7dh39dks9884',
    });
    expect(
      client(TEMPORARY).parseAuthorizationResponse(
        '/cb?x=1&oauth_token=hh5s93j4hdidpola&oauth_verifier=473f82d3',
      ),
    ).toEqual({ x: '1', oauth_token: 'hh5s93j4hdidpola', oauth_verifier: '473f82d3' });
  });

  it('refuses a token other than the temporary one (CSRF) and callbacks without a held token', () => {
    expect(
      thrown(() =>
        client(TEMPORARY).parseAuthorizationResponse('/cb?oauth_token=attacker&oauth_verifier=v'),
      ),
    ).toMatchObject({ code: 'ERR_MISMATCHING_STATE' });
    expect(
      thrown(() => client().parseAuthorizationResponse('/cb?oauth_token=t&oauth_verifier=v')),
    ).toMatchObject({ code: 'ERR_MISSING_TOKEN' });
  });

  it('reports missing parameters, problems and denials as typed errors', () => {
    const parse = (query: string) =>
      thrown(() => client(TEMPORARY).parseAuthorizationResponse(`/cb?${query}`));
    expect(parse('oauth_verifier=v')).toMatchObject({ code: 'ERR_INVALID_RESPONSE' });
    expect(parse('oauth_token=hh5s93j4hdidpola')).toMatchObject({ code: 'ERR_INVALID_RESPONSE' });
    const problem = parse('oauth_problem=user_refused');
    expect(OAuth1ResponseError.isInstance(problem)).toBe(true);
    expect(problem).toMatchObject({ oauth_problem: 'user_refused', status: undefined });
    expect(parse('denied=hh5s93j4hdidpola')).toMatchObject({ oauth_problem: 'permission_denied' });
  });
});

describe('OAuth1Client token and verifier', () => {
  it('holds the token as given, frozen, and takes a verifier from it', async () => {
    const oauth = client();
    oauth.token = { ...TEMPORARY, oauth_verifier: 'hfdp7dh39dks9884' };
    expect(Object.isFrozen(oauth.token)).toBe(true);
    // With a verifier and a temporary token, fetchAccessToken goes to the transport.
    await expect(oauth.fetchAccessToken('https://p.example/token')).rejects.toThrow(
      'no request expected',
    );
    oauth.token = undefined;
    expect(oauth.token).toBeUndefined();
  });

  it('builds the token from the token/tokenSecret options', () => {
    const oauth = new OAuth1Client({
      clientId: 'c',
      token: 'nnch734d00sl2jdk',
      tokenSecret: 'pfkkdhi9sl3r4s00',
      transport: unreachable,
    });
    expect(oauth.token).toEqual({
      oauth_token: 'nnch734d00sl2jdk',
      oauth_token_secret: 'pfkkdhi9sl3r4s00',
    });
  });

  it('needs temporary credentials and a verifier for fetchAccessToken', async () => {
    await expect(client().fetchAccessToken('https://p.example/token', 'v')).rejects.toMatchObject({
      code: 'ERR_MISSING_TOKEN',
    });
    await expect(
      client(TEMPORARY).fetchAccessToken('https://p.example/token'),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('refuses malformed tokens and options', () => {
    const oauth = client();
    for (const token of [{}, { oauth_token: '', oauth_token_secret: 's' }, { oauth_token: 't' }]) {
      expect(
        thrown(() => {
          oauth.token = token as never;
        }),
      ).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    }
    expect(thrown(() => new OAuth1Client({ clientId: 'c' } as never))).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('shows no secret in inspect or JSON', () => {
    const oauth = client({ oauth_token: 'token-value-1', oauth_token_secret: 'token-secret-2' });
    const rendered = `${inspect(oauth, { showHidden: true, depth: 5 })} ${JSON.stringify(oauth)}`;
    for (const secret of ['client-secret-value', 'token-secret-2']) {
      expect(rendered).not.toContain(secret);
    }
  });
});

describe('processCredentialsResponse', () => {
  const response = (status: number, body: string, headers: Record<string, string> = {}) => ({
    status,
    headers: new Headers(headers),
    body,
  });

  it('treats an oauth_problem in a 200 answer as a refusal, and keeps the secret out of errors', () => {
    const error = thrown(() =>
      processCredentialsResponse(
        response(200, 'oauth_problem=consumer_key_refused&oauth_problem_advice=over%20quota'),
      ),
    );
    expect(error).toMatchObject({
      code: 'ERR_OAUTH_RESPONSE',
      status: 200,
      oauth_problem: 'consumer_key_refused',
      oauth_problem_advice: 'over quota',
    });
    const unconfirmed = thrown(() =>
      processCredentialsResponse(response(200, 'oauth_token=t&oauth_token_secret=super-secret-1'), {
        callbackConfirmed: true,
      }),
    ) as Error;
    expect(`${unconfirmed.message} ${inspect(unconfirmed)}`).not.toContain('super-secret-1');
  });

  it('returns every field, frozen; an empty token secret is allowed', () => {
    const token = processCredentialsResponse(
      response(200, 'oauth_token=t&oauth_token_secret=&screen_name=jane+doe\n'),
    );
    expect(token).toEqual({ oauth_token: 't', oauth_token_secret: '', screen_name: 'jane doe' });
    expect(Object.isFrozen(token)).toBe(true);
  });

  it('refuses HTML and JSON bodies', () => {
    for (const body of [
      '<html lang="en">oops</html>',
      '{"oauth_token":"t","oauth_token_secret":"s"}',
      '',
    ]) {
      expect(thrown(() => processCredentialsResponse(response(200, body)))).toMatchObject({
        code: 'ERR_INVALID_RESPONSE',
      });
    }
  });
});
