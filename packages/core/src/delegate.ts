/**
 * Delegation from an object to one it builds, as the adapters' sessions do
 * with their spec clients: the wrapper's options are split into its own and
 * the built object's, and the built object's methods are bound onto the
 * wrapper, so that `session.fetchToken(...)` is `session.client.fetchToken(...)`.
 */

/** The keys of `T` whose values are functions. */
export type MethodKeys<T> = {
  [K in keyof T]-?: T[K] extends (...args: never) => unknown ? K : never;
}[keyof T];

/**
 * Splits `options` in two: the entries named by `names`, and all the others.
 * `names` is a record (`{ timeout: true, ... }`) rather than a list so that
 * the caller can type it `Record<keyof Own, true>` and have the compiler
 * check that it names every option of `Own`, no more and no fewer. Only the
 * entries `options` has are copied; `options` is left unchanged.
 *
 * @example
 * const OWN: Record<'timeout' | 'ownsAgents', true> = { timeout: true, ownsAgents: true }
 * const [own, rest] = splitOptions({ timeout: 5_000, clientId: 'app' }, OWN)
 * // own: { timeout: 5000 }, rest: { clientId: 'app' }
 */
export function splitOptions<T extends object, K extends keyof T>(
  options: T,
  names: Readonly<Record<K, unknown>>,
): [own: Pick<T, K>, rest: Omit<T, K>] {
  const own: Partial<Pick<T, K>> = {};
  const rest: Partial<T> = { ...options };
  for (const name of Object.keys(names) as K[]) {
    if (name in options) own[name] = options[name];
    delete rest[name];
  }
  return [own as Pick<T, K>, rest as Omit<T, K>];
}

/**
 * Sets each method of `source` named in `names`, bound to `source`, as a
 * property of `target`: `target[name](...)` then calls `source[name](...)`
 * and keeps working when detached (`const { fetchToken } = session`). Typed
 * so that `target` must declare every name with the type it has on `source`
 * (`declare readonly fetchToken: OAuth2Client['fetchToken']` on a session),
 * which keeps each delegated member's own signature and documentation.
 *
 * @example
 * class OAuth2Session extends Session {
 *   readonly client: OAuth2Client
 *   declare readonly fetchToken: OAuth2Client['fetchToken']
 *
 *   constructor(options: OAuth2ClientOptions) {
 *     super()
 *     this.client = new OAuth2Client(options)
 *     delegateMethods(this, this.client, ['fetchToken'])
 *   }
 * }
 */
export function delegateMethods<S extends object, K extends MethodKeys<S>>(
  target: NoInfer<{ [P in K]: S[P] }>,
  source: S,
  names: readonly K[],
): void {
  for (const name of names) {
    const method = source[name] as (...args: unknown[]) => unknown;
    target[name] = method.bind(source) as S[K];
  }
}
