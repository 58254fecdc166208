/**
 * In-memory storage for oidc-provider (its "adapter"): one `Map` per
 * provider. oidc-provider's own development adapter is shared by every
 * provider in the process and prints a warning when it starts; a real
 * deployment puts Redis or a database here.
 */

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

/** The calls oidc-provider makes on its storage. */
export interface StorageAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** The `adapter` option of the provider configuration: a storage per model name. */
export function memoryStorage(): (model: string) => StorageAdapter {
  const entries = new Map<string, { payload: Payload; expiresAt: number }>();
  const live = (key: string): Payload | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= Date.now()) entries.delete(key);
    return entries.get(key)?.payload;
  };

  return (model) => {
    const key = (id: string): string => `${model}:${id}`;
    const findBy = (field: 'uid' | 'userCode', value: string): Payload | undefined => {
      for (const name of entries.keys()) {
        const payload = name.startsWith(`${model}:`) ? live(name) : undefined;
        if (payload?.[field] === value) return payload;
      }
      return undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : expiresIn * 1000;
        entries.set(key(id), { payload, expiresAt: Date.now() + expiresAt });
      },
      find: async (id) => live(key(id)),
      findByUid: async (uid) => findBy('uid', uid),
      findByUserCode: async (userCode) => findBy('userCode', userCode),
      async consume(id) {
        const payload = live(key(id));
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [name, entry] of entries) {
          if (name.startsWith(`${model}:`) && entry.payload.grantId === grantId)
            entries.delete(name);
        }
      },
    };
  };
}
