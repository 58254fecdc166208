/**
 * The demo's users, shared by every server: the OpenID Provider's login
 * page, the OAuth 1.0a provider's authorize page and the first-party token
 * endpoint (password grant) all check these. Demo passwords, shown on the
 * login pages.
 */

/** A user of the demo servers. */
export interface Account {
  /** The account id: `sub` at the OpenID Provider, `screen_name` at the OAuth 1.0a provider. */
  id: string;
  password: string;
  name: string;
  email: string;
}

/** Every demo account, by id. */
export const ACCOUNTS: ReadonlyMap<string, Account> = new Map(
  [
    { id: 'alice', password: 'wonderland', name: 'Alice Liddell', email: 'alice@example.com' },
    { id: 'bob', password: 'builder', name: 'Bob the Builder', email: 'bob@example.com' },
  ].map((account) => [account.id, account]),
);

/** The account for a username and password, or `undefined`. */
export function checkPassword(username: string, password: string): Account | undefined {
  const account = ACCOUNTS.get(username);
  return account !== undefined && account.password === password ? account : undefined;
}

/** What the login pages say about the demo accounts. */
export const ACCOUNTS_HINT: string = [...ACCOUNTS.values()]
  .map((a) => `${a.id} / ${a.password}`)
  .join(', ');
