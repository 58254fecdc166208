/**
 * Mutual TLS (RFC 8705) for the demo's oidc-provider, with oidc-provider's
 * own support (`features.mTLS`): client authentication with
 * `tls_client_auth` (a CA-issued certificate, registered by subject DN) and
 * `self_signed_tls_client_auth` (a self-signed certificate, registered in
 * the client's JWKS), and certificate-bound access tokens (`cnf.x5t#S256`).
 * The provider reads the certificate from the TLS connection of its https
 * listener, which asks every client for one (http.ts, `listenMutualTls`).
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ClientMetadata } from 'oidc-provider';
import { type CertificateAndKey, type DemoPki, subjectDn } from './pki.js';

/** A client that authenticates with its TLS certificate, and the certificate it holds. */
export interface MtlsClient {
  clientId: string;
  tokenEndpointAuthMethod: 'tls_client_auth' | 'self_signed_tls_client_auth';
  /** The client certificate and its private key (PEM). */
  certificate: CertificateAndKey;
}

/** The provider's mutual-TLS listener, and its clients. */
export interface MutualTlsEndpoints {
  /** `https://127.0.0.1:<port>`: the `mtls_endpoint_aliases` and the API, client certificate required. */
  origin: string;
  /** The protected API on this listener: a certificate-bound token needs its certificate. */
  api: string;
  /** The demo CA (PEM), which signed the listener's certificate: what clients trust. */
  ca: string;
  clients: {
    /** `tls_client_auth`, with the certificate the demo CA issued it. */
    caIssued: MtlsClient;
    /** `self_signed_tls_client_auth`, with a self-signed certificate. */
    selfSigned: MtlsClient;
  };
}

/** The clients of {@link MutualTlsEndpoints}. */
export function mtlsClients(pki: DemoPki): MutualTlsEndpoints['clients'] {
  return {
    caIssued: {
      clientId: 'mtls-reporting-service',
      tokenEndpointAuthMethod: 'tls_client_auth',
      certificate: { cert: pki.client.cert, key: pki.client.key },
    },
    selfSigned: {
      clientId: 'mtls-sensor',
      tokenEndpointAuthMethod: 'self_signed_tls_client_auth',
      certificate: pki.selfSigned,
    },
  };
}

/** Their registrations at the provider (RFC 8705 2.1.2, 2.2.2). */
export function mtlsClientMetadata(pki: DemoPki): ClientMetadata[] {
  const { caIssued, selfSigned } = mtlsClients(pki);
  const common = {
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'api:read',
    tls_client_certificate_bound_access_tokens: true, // cnf.x5t#S256 in every token
  };
  const device = new X509Certificate(pki.selfSigned.cert);
  return [
    {
      ...common,
      client_id: caIssued.clientId,
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: pki.client.subject,
    },
    {
      ...common,
      client_id: selfSigned.clientId,
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      // The self-signed certificate itself, in the client's JWKS (x5c).
      jwks: {
        keys: [
          { ...device.publicKey.export({ format: 'jwk' }), x5c: [device.raw.toString('base64')] },
        ],
      },
    },
  ];
}

/** The client certificate of a connection, if it is TLS and one was presented. */
function peerCertificate(socket: Socket): X509Certificate | undefined {
  return socket instanceof TLSSocket ? socket.getPeerX509Certificate() : undefined;
}

type KoaContext = { socket: Socket };

/** oidc-provider's `features.mTLS`: where the certificate comes from, and how it is checked. */
export const mtlsFeature = {
  enabled: true,
  tlsClientAuth: true,
  selfSignedTlsClientAuth: true,
  certificateBoundAccessTokens: true,
  getCertificate: (ctx: KoaContext): string | undefined => peerCertificate(ctx.socket)?.toString(),
  // The listener refuses certificates that do not chain to its `ca` before any request.
  certificateAuthorized: (ctx: KoaContext): boolean =>
    ctx.socket instanceof TLSSocket && ctx.socket.authorized,
  certificateSubjectMatches(ctx: KoaContext, property: string, expected: string): boolean {
    const certificate = peerCertificate(ctx.socket);
    return (
      property === 'tls_client_auth_subject_dn' &&
      certificate !== undefined &&
      subjectDn(certificate) === expected
    );
  },
};

/** The `x5t#S256` of the request's TLS client certificate (RFC 8705 3.1), if any. */
export function requestThumbprint(req: IncomingMessage): string | undefined {
  const certificate = peerCertificate(req.socket);
  return certificate && createHash('sha256').update(certificate.raw).digest('base64url');
}
