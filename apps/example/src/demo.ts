/**
 * The terminal demo's runner: starts the servers, runs every flow with
 * both adapters one after the other, and closes everything again. `main.ts`
 * prints what it reports; test/demo.test.ts asserts on it.
 */
import { AssertionError } from 'node:assert';
import { inspect } from 'node:util';
import { OAuthError } from '@x/core';
import { ADAPTERS, type AdapterName, FLOWS, type Flow } from './flows/index.js';
import { type DemoServers, startServers } from './servers/index.js';

/** How one flow went with one adapter. */
export interface FlowResult {
  flow: string;
  adapter: AdapterName;
  ok: boolean;
  /** What the flow showed, or why it failed. */
  detail: string;
  /** Milliseconds. */
  time: number;
}

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  /** The flows to run. @defaultValue FLOWS */
  flows?: readonly Flow[] | undefined;
  /** Called once the servers are up. */
  onStart?: ((servers: DemoServers) => void) | undefined;
  /** Called after each flow and adapter. */
  onResult?: ((result: FlowResult) => void) | undefined;
  /** Milliseconds one flow may take. @defaultValue 20000 */
  timeout?: number | undefined;
}

/** An error in a line: an `OAuthError`'s code and (redacted) message. */
export function describeError(error: unknown): string {
  if (OAuthError.isInstance(error)) return `${error.code}: ${error.message}`;
  if (error instanceof AssertionError) {
    const { actual, expected, generatedMessage } = error;
    if (!generatedMessage) return `check failed: ${error.message}`;
    return `check failed: expected ${inspect(expected)}, got ${inspect(actual)}`;
  }
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the demo servers, runs every flow with every adapter, closes the
 * servers, and resolves every result (a failed flow is a result, not a
 * rejection; it rejects only when the servers cannot start).
 */
export async function runDemo(options: RunDemoOptions = {}): Promise<FlowResult[]> {
  const servers = await startServers();
  const results: FlowResult[] = [];
  try {
    options.onStart?.(servers);
    for (const flow of options.flows ?? FLOWS) {
      for (const adapter of ADAPTERS) {
        const started = performance.now();
        let ok = true;
        let detail: string;
        try {
          detail = await withTimeout(flow[adapter](servers), options.timeout ?? 20_000);
        } catch (error) {
          ok = false;
          detail = describeError(error);
        }
        const result = { flow: flow.name, adapter, ok, detail, time: performance.now() - started };
        results.push(result);
        options.onResult?.(result);
      }
    }
    for (const error of servers.oidc.serverErrors) {
      results.push({
        flow: 'oidc-provider server error',
        adapter: 'fetch',
        ok: false,
        detail: describeError(error),
        time: 0,
      });
    }
  } finally {
    await servers.close();
  }
  return results;
}
