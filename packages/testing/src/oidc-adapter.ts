/**
 * A storage adapter for oidc-provider that keeps everything in one `Map`
 * per provider instance.
 *
 * oidc-provider's built-in memory adapter shares a module-level LRU (1,000
 * entries) between every provider in the process and warns on each start;
 * this one isolates test servers from each other and never evicts.
 */

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

interface Entry {
  payload: Payload;
  /** Milliseconds since the epoch; `undefined` for entries that never expire. */
  expiresAt: number | undefined;
}

/** The adapter contract oidc-provider calls (docs: "adapter"). */
export interface OidcAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** Returns the `adapter` factory to put in the provider configuration. */
export function createMemoryAdapter(): (model: string) => OidcAdapter {
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  return (model: string): OidcAdapter => {
    const keyOf = (id: string): string => `${model}:${id}`;
    const findWhere = (field: 'uid' | 'userCode', value: string): Payload | undefined => {
      for (const key of entries.keys()) {
        if (!key.startsWith(`${model}:`)) continue;
        const entry = live(key);
        if (entry?.payload[field] === value) return entry.payload;
      }
      return undefined;
    };

    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined;
        entries.set(keyOf(id), { payload, expiresAt });
      },
      async find(id) {
        return live(keyOf(id))?.payload;
      },
      async findByUid(uid) {
        return findWhere('uid', uid);
      },
      async findByUserCode(userCode) {
        return findWhere('userCode', userCode);
      },
      async consume(id) {
        const entry = live(keyOf(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        for (const [key, entry] of entries) {
          if (key.startsWith(`${model}:`) && entry.payload.grantId === grantId) entries.delete(key);
        }
      },
    };
  };
}
