/**
 * The JWT-bearer authorization grant (RFC 7523 2.1) for oidc-provider,
 * which does not ship one: a token for the assertion's subject when the
 * assertion is signed by an issuer the provider trusts, addressed to its
 * token endpoint, short-lived and never replayed.
 */
import { JWT_BEARER_GRANT_TYPE } from '@x/rfc7523';
import { type CryptoKey, decodeJwt, type JWTPayload, jwtVerify } from 'jose';
import type Provider from 'oidc-provider';

/** An assertion issuer the provider trusts, and the public key its assertions verify with. */
export interface TrustedIssuer {
  issuer: string;
  publicKey: CryptoKey;
  alg: string;
}

/** Registers the grant on `provider`. */
export function registerJwtBearerGrant(
  provider: Provider,
  tokenEndpoint: string,
  trusted: readonly TrustedIssuer[],
): void {
  const seen = new Set<string>(); // jti values (a real server forgets them once expired)
  provider.registerGrantType(
    JWT_BEARER_GRANT_TYPE,
    async (ctx) => {
      const { assertion = '', scope } = ctx.oidc.params;
      let payload: JWTPayload;
      try {
        // Pick the key by the (unverified) issuer, then verify everything with it.
        const issuer = trusted.find((t) => t.issuer === decodeJwt(assertion).iss);
        if (issuer === undefined) throw new Error('the assertion issuer is not trusted');
        ({ payload } = await jwtVerify(assertion, issuer.publicKey, {
          algorithms: [issuer.alg],
          issuer: issuer.issuer,
          audience: tokenEndpoint,
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
          maxTokenAge: 300,
        }));
        if (seen.has(payload.jti as string)) throw new Error('the assertion was used before');
        seen.add(payload.jti as string);
      } catch (error) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_grant', error_description: (error as Error).message };
        return;
      }
      const token = new provider.AccessToken({
        accountId: payload.sub as string,
        client: ctx.oidc.client,
        scope,
        gty: JWT_BEARER_GRANT_TYPE,
      });
      ctx.body = {
        access_token: await token.save(),
        token_type: 'Bearer',
        expires_in: token.expiration,
        ...(scope === undefined ? {} : { scope }),
      };
    },
    ['assertion', 'scope'],
  );
}
