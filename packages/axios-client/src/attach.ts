import {
  type Authenticator,
  absoluteUrl,
  type CallSignal,
  callSignal,
  classifyBody,
  exchange,
  type HttpRequest,
  type InFlight,
  MAX_REDIRECTS,
  NO_RETRY,
  type ResponseHead,
  shouldRetry,
} from '@x/core';
import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { isAxiosError } from 'axios';
import { fromAxiosHeaders, toAxiosHeaders, toTransportError, withState } from './convert.js';
import { BYPASS } from './transport.js';

/** Options of {@link attachAuthenticator}. */
export interface AttachOptions {
  /** Redirects followed per request whose config sets no positive `maxRedirects`. @defaultValue 20 */
  maxRedirects?: number | undefined;
}

type Config = InternalAxiosRequestConfig;
/** A response, and the error axios rejected it with (validateStatus), if any. */
type Outcome = { response: AxiosResponse; error?: AxiosError };
/** A request, with the body as the user gave it (sent when the request's body is opaque). */
type Prepared = { request: HttpRequest; data: unknown };

/** Config state (`__xAuth`) of one of our redirect hops: sent as prepared, with the call's signal. */
class Hop {
  constructor(
    readonly prepared: Prepared,
    readonly signal: AbortSignal | undefined,
  ) {}
}
/** What {@link apply} (and axios's dispatch after it) change in a config. */
const CHANGED = [
  'method',
  'url',
  'maxRedirects',
  'baseURL',
  'params',
  'headers',
  'data',
  'transformRequest',
  'signal',
] as const;
type Changed = Pick<Config, (typeof CHANGED)[number]>;

/** Config state of a user call, from the request to the response interceptor. */
class Call {
  constructor(
    readonly config: Config, // the config axios handed us; apply() changes it in place
    readonly before: Changed, // what apply() changed, as it was
    readonly original: Prepared & { replayable: boolean },
    readonly sent: HttpRequest,
    readonly signal: CallSignal,
    readonly redirect: { redirect: 'follow' | 'manual'; maxRedirects: number },
    readonly retried: boolean,
  ) {}

  /**
   * The config as the user's call had it, for a redirect hop or the retry.
   * Rebuilt only then: copying the whole merged config on every request
   * costs axios calls about 2.5 µs each (it is a dictionary-mode object).
   */
  get saved(): Config {
    return Object.assign({}, this.config, this.before);
  }
}
/** Config state of a retry: authorized again, never retried again. */
const RETRY = Symbol('@x/axios-client.retry');

const stateOf = (config: unknown): unknown =>
  (config as { __xAuth?: unknown } | undefined)?.__xAuth;
const isJson = (data: unknown, type: string): boolean =>
  typeof data === 'object' &&
  data !== null &&
  (Array.isArray(data) || [Object.prototype, null].includes(Object.getPrototypeOf(data))) &&
  !/multipart\/form-data|x-www-form-urlencoded/i.test(type);

const ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The URL axios will request. The config an interceptor sees is already merged with the
 * defaults, so without `params` this is axios's own baseURL joining (combineURLs), done
 * here because `instance.getUri` merges the config again (a third of the adapter's cost).
 */
function fullUrl(instance: AxiosInstance, config: Config): string {
  const { params, baseURL } = config;
  if (params !== undefined && params !== null && Object.keys(params).length > 0) {
    return instance.getUri(config);
  }
  const url = config.url ?? '';
  if (!baseURL || (ABSOLUTE.test(url) && config.allowAbsoluteUrls !== false)) return url;
  return url ? `${baseURL.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : baseURL;
}

/** Methods whose body axios labels `application/x-www-form-urlencoded` when no type is set. */
const FORM_BY_DEFAULT = new Set(['POST', 'PUT', 'PATCH']);

/** The request as the user wrote it: full URL, headers, body classified (plain objects as JSON). */
function snapshot(instance: AxiosInstance, config: Config): Call['original'] {
  const headers = fromAxiosHeaders(config.headers);
  const type = headers.get('content-type') ?? '';
  const data = isJson(config.data, type) ? JSON.stringify(config.data) : config.data;
  const body = classifyBody(data);
  const method = (config.method ?? 'get').toUpperCase();
  let implied = data === config.data ? body.contentType : 'application/json';
  // axios itself sends such a text body as a form (dispatchRequest): the authenticator must know.
  if (implied === undefined && body.text !== undefined && FORM_BY_DEFAULT.has(method)) {
    implied = 'application/x-www-form-urlencoded';
  }
  if (implied !== undefined && type === '') headers.set('content-type', implied);
  const request: HttpRequest = { method, url: absoluteUrl(fullUrl(instance, config)), headers };
  if (body.text !== undefined) request.body = body.text;
  if (body.opaque) request.opaqueBody = true;
  return { request, data, replayable: body.replayable };
}

/**
 * Writes a prepared request into the config; a text body is sent exactly as
 * authorized. `signal` (the call's, when it combines more than the caller's) replaces the config's.
 */
function apply(
  config: Config,
  { request, data }: Prepared,
  signal: AbortSignal | undefined,
): Config {
  if (signal !== undefined) config.signal = signal;
  config.method = request.method.toLowerCase();
  config.url = request.url;
  config.maxRedirects = 0;
  // Not `delete`: that turns the config into a slow dictionary, and axios reads it a lot.
  const cleared = config as { baseURL?: string | undefined; params?: unknown };
  cleared.baseURL = undefined;
  cleared.params = undefined;
  config.headers = toAxiosHeaders(request.headers);
  config.data = request.opaqueBody === true ? data : request.body;
  if (request.opaqueBody !== true) config.transformRequest = [(body: unknown) => body];
  return config;
}

/**
 * A response's status and headers for `exchange` and `retry`. Headers are
 * converted only when read (redirects, retry checks): most responses never
 * need it. A class, not an object literal with a getter: those are slow to
 * create, and this is made twice per request.
 */
class Head implements ResponseHead {
  readonly status: number;
  readonly #response: AxiosResponse;
  #headers: Headers | undefined;

  constructor(response: AxiosResponse) {
    this.status = response.status;
    this.#response = response;
  }

  get headers(): Headers {
    this.#headers ??= fromAxiosHeaders(this.#response.headers);
    return this.#headers;
  }
}
const head = ({ response }: Outcome): Head => new Head(response);

/**
 * Runs every request of an axios instance through an {@link Authenticator}
 * with one request and one response interceptor: authorizes it, follows
 * redirects by the core rules (same-origin hops re-authorized, credentials
 * never sent cross-origin, https → http refused; `maxRedirects: 0` returns the
 * 3xx) and retries once when `retry` says so and the body can be resent.
 * Failures without a response become `TransportError`s. Returns `detach()`.
 *
 * @example
 * const api = axios.create({ baseURL: 'https://api.example.com' })
 * const detach = attachAuthenticator(api, staticBearer(token))
 * const { data } = await api.get('/me')
 */
export function attachAuthenticator(
  instance: AxiosInstance,
  authenticator: Authenticator,
  options: AttachOptions = {},
): () => void {
  return attach(instance, authenticator, options);
}

/** The interceptors; a session's `inFlight` aborts every call with `ERR_SESSION_CLOSED` (internal). */
export function attach(
  instance: AxiosInstance,
  authenticator: Authenticator,
  options: AttachOptions,
  inFlight?: InFlight,
): () => void {
  const onRequest = async (config: Config): Promise<Config> => {
    inFlight?.throwIfClosed(); // a closed session refuses every request, hops included
    const state = stateOf(config);
    if (state === BYPASS) return config;
    if (state instanceof Hop) return apply(config, state.prepared, state.signal);
    const abort = config.signal instanceof AbortSignal ? config.signal : undefined;
    // A session's calls share one signal, aborted at close() (see InFlight.sharedSignal).
    const signal = callSignal({
      signal: abort,
      timeout: Number.POSITIVE_INFINITY,
      closed: inFlight?.sharedSignal,
    });
    let original: Call['original'];
    let sent: HttpRequest;
    try {
      signal.throwIfAborted();
      original = snapshot(instance, config);
      sent = await authenticator.authorize(original.request, { signal: signal.signal });
    } catch (error) {
      throw signal.error(error);
    }
    const max = config.maxRedirects;
    const limit = max !== undefined && max > 0 ? max : (options.maxRedirects ?? MAX_REDIRECTS);
    const redirect = { redirect: max === 0 ? 'manual' : 'follow', maxRedirects: limit } as const;
    const before = {} as Record<(typeof CHANGED)[number], unknown>;
    for (const key of CHANGED) before[key] = config[key];
    const call = new Call(
      config,
      before as Changed,
      original,
      sent,
      signal,
      redirect,
      state === RETRY,
    );
    const prepared = { request: sent, data: original.data };
    // Our own state on the config axios handed us (no copy: apply() already rewrote it).
    return Object.assign(apply(config, prepared, signal.signal), { __xAuth: call });
  };

  const hop = (call: Call, request: HttpRequest) =>
    new Hop({ request, data: call.original.data }, call.signal.signal);
  const send = (call: Call, request: HttpRequest): Promise<Outcome> =>
    instance.request(withState(call.saved, hop(call, request))).then(
      (response) => ({ response }),
      (error: unknown) => {
        if (isAxiosError(error) && error.response) return { response: error.response, error };
        throw error;
      },
    );
  const settle = async (call: Call, first: Outcome): Promise<AxiosResponse> => {
    const { replayable } = call.original;
    const { signal } = call.signal;
    try {
      const result = await exchange<Outcome>({
        request: call.original.request,
        authenticator,
        head,
        replayable,
        signal,
        send: (request) => send(call, request),
        sent: { request: call.sent, response: first, authorized: true },
        redirect: call.redirect.redirect,
        maxRedirects: call.redirect.maxRedirects,
      });
      const { response, error } = result.response;
      const again = { replayable: replayable && !call.retried, signal }; // a retry is never retried
      const decision = shouldRetry(authenticator, result, head(result.response), again);
      if (decision !== NO_RETRY && (await decision)) {
        return await instance.request(withState(call.saved, RETRY));
      }
      if (error) throw error;
      return response;
    } catch (error) {
      throw isAxiosError(error) && error.response ? error : toTransportError(error, call.signal);
    }
  };

  const requestId = instance.interceptors.request.use(onRequest);
  const responseId = instance.interceptors.response.use(
    (response) => {
      const call = stateOf(response.config);
      return call instanceof Call ? settle(call, { response }) : response;
    },
    (error: unknown) => {
      const call = isAxiosError(error) ? stateOf(error.config) : undefined;
      if (!(call instanceof Call) || !isAxiosError(error)) throw error;
      if (!error.response) throw toTransportError(error, call.signal);
      return settle(call, { response: error.response, error });
    },
  );
  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
