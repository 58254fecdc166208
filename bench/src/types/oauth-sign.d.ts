/** The part of `oauth-sign` (no types of its own, none on DefinitelyTyped) the bench uses. */
declare module 'oauth-sign' {
  type Params = Record<string, string | string[]>;
  export function hmacsign(
    httpMethod: string,
    baseUri: string,
    params: Params,
    consumerSecret: string,
    tokenSecret?: string,
  ): string;
  export function rsasign(
    httpMethod: string,
    baseUri: string,
    params: Params,
    privateKey: string,
    tokenSecret?: string,
  ): string;
  export function rfc3986(value: string): string;
}
