import { formEncode } from './encoding.js';

/**
 * How adapters present a user's request body to an authenticator, and whether
 * it can be sent twice (for a retry or a 307/308 hop).
 */

/** A body as the adapter received it, split into what authenticators may see. */
export interface ClassifiedBody {
  /** The body as text, when it is text (string or URLSearchParams). */
  readonly text?: string | undefined;
  /** The content type implied by the body itself (URLSearchParams → form). */
  readonly contentType?: string | undefined;
  /** The body is something else (FormData, Blob, bytes, stream): pass it through. */
  readonly opaque: boolean;
  /** It can be sent again. Streams cannot. */
  readonly replayable: boolean;
}

/** The content type `fetch` gives a URLSearchParams body. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

/**
 * True for a web or Node readable stream (anything with `getReader` or `pipe`)
 * or an async iterable (a body fetch accepts, consumed once).
 */
function isStream(body: object): boolean {
  return (
    typeof (body as { getReader?: unknown }).getReader === 'function' ||
    typeof (body as { pipe?: unknown }).pipe === 'function' ||
    typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** Most requests have no body: one shared, frozen answer. */
const NO_BODY: ClassifiedBody = Object.freeze({ opaque: false, replayable: true });

/**
 * Classifies a request body for an authenticator.
 *
 * @example classifyBody(new URLSearchParams({ a: '1' })) // { text: 'a=1', contentType: FORM_CONTENT_TYPE, opaque: false, replayable: true }
 */
export function classifyBody(body: unknown): ClassifiedBody {
  if (body === undefined || body === null) return NO_BODY;
  if (typeof body === 'string') return { text: body, opaque: false, replayable: true };
  if (body instanceof URLSearchParams) {
    return {
      text: formEncode(body),
      contentType: FORM_CONTENT_TYPE,
      opaque: false,
      replayable: true,
    };
  }
  if (typeof body === 'object' && isStream(body)) return { opaque: true, replayable: false };
  return { opaque: true, replayable: true };
}
