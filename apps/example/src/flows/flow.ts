/**
 * What a flow of the demo is: the same steps written once per adapter
 * (`@x/fetch-client` and `@x/axios-client`), each returning in a few words
 * what it showed. A step that does not do what it should throws.
 */
import type { DemoServers } from '../servers/index.js';

/** The adapters every flow runs with. */
export type AdapterName = 'fetch' | 'axios';

/** Both adapters, in the order the demo runs them. */
export const ADAPTERS: readonly AdapterName[] = ['fetch', 'axios'];

/** One flow, per adapter. */
export interface Flow {
  /** What the table calls it. */
  name: string;
  fetch(servers: DemoServers): Promise<string>;
  axios(servers: DemoServers): Promise<string>;
}

/** A fetch `Response`'s JSON body; an error for any status but 2xx. */
export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} from ${response.url}`);
  }
  return (await response.json()) as T;
}
