import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebDemo, type WebDemo } from '../src/web/app.js';

// The web demo in a real browser: Debian's Chromium (never a downloaded
// one), driven by playwright-core, through the providers' own sign-in,
// consent and sign-out pages. Without Chromium this fails; it never skips.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Setup {
  demo: WebDemo;
  context: BrowserContext;
  profile: string;
}

/** Starts the web demo and Chromium; cleans up after itself when either fails. */
async function start(): Promise<Setup> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium; ` +
        'scripts/check.sh does it when run as root) or set CHROMIUM_PATH',
    );
  }
  const demo = await startWebDemo();
  const profile = await mkdtemp(join(tmpdir(), 'x-example-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      timeout: 30_000,
    });
    context.setDefaultTimeout(15_000);
    return { demo, context, profile };
  } catch (error) {
    await demo.close();
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

// Started once; a failure to start fails every test (it is reported by each, never skipped).
let setup: Promise<Setup>;
beforeAll(() => {
  setup = start();
  setup.catch(() => undefined); // reported by the tests
});

afterAll(async () => {
  const started = await setup.catch(() => undefined);
  await started?.context.close();
  await started?.demo.close();
  if (started !== undefined) await rm(started.profile, { recursive: true, force: true });
});

/** A new tab on the demo's home page. */
async function home(): Promise<{ page: Page; demo: WebDemo }> {
  const { demo, context } = await setup;
  const page = await context.newPage();
  await page.goto(demo.url);
  return { page, demo };
}

const text = async (page: Page) => (await page.textContent('body')) ?? '';

describe('the web demo in Chromium', () => {
  it('signs in with OpenID Connect through the login and consent pages, then signs out', async () => {
    const { page, demo } = await home();
    const { url, oidc } = demo;
    await page.getByRole('button', { name: 'Sign in with OpenID Connect' }).click();

    // oidc-provider's sign-in page (served by the provider, not the app).
    await page.waitForURL((u) => u.href.startsWith(`${oidc.issuer}/interaction/`));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wonderland');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Its consent page.
    await page.getByRole('button', { name: 'Allow' }).click();

    // Back at the app, signed in: claims from the validated id_token and userinfo.
    await page.waitForURL(url);
    await page.getByRole('heading', { name: 'Signed in as Alice Liddell' }).waitFor();
    const signedIn = await text(page);
    expect(signedIn).toContain(`via OpenID Connect at ${oidc.issuer}`);
    expect(signedIn).toContain('"sub": "alice"');
    expect(signedIn).toContain(`"iss": "${oidc.issuer}"`);
    expect(signedIn).toContain('"email": "alice@example.com"');
    // The token is shown with every secret masked: no JWT, no opaque token.
    expect(signedIn).toMatch(/"access_token": "\[masked: \d+ characters\]"/);
    expect(signedIn).toMatch(/"id_token": "\[masked: \d+ characters\]"/);
    expect(signedIn).not.toMatch(/eyJ[\w-]+\.eyJ/);

    // Sign out through the provider's end_session endpoint, and back.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${oidc.issuer}/session/end`));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((u) => u.href.startsWith(url));
    await page.getByText('You are signed out.').waitFor();

    // The provider's session ended too: signing in again asks for the password again.
    await page.getByRole('button', { name: 'Sign in with OpenID Connect' }).click();
    await page.getByLabel('Password').waitFor();
    await page.close();
  }, 60_000);

  it('shows the provider error when the user denies consent', async () => {
    const { page } = await home();
    await page.getByRole('button', { name: 'Sign in with OpenID Connect' }).click();
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill('builder');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
    expect(await text(page)).toContain('access_denied');
    await page.close();
  }, 60_000);

  it('signs in with OAuth 1.0a through the provider authorize page', async () => {
    const { page, demo } = await home();
    const { url, oauth1 } = demo;
    await page.getByRole('button', { name: 'Sign in with OAuth 1.0a' }).click();

    await page.waitForURL((u) => u.href.startsWith(`${oauth1.url}/oauth/authorize`));
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill('builder');
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForURL(url);
    await page.getByRole('heading', { name: 'Signed in as Bob the Builder' }).waitFor();
    const signedIn = await text(page);
    expect(signedIn).toContain(`via OAuth 1.0a at ${oauth1.url}`);
    expect(signedIn).toContain('"screen_name": "bob"');
    expect(signedIn).toMatch(/"oauth_token_secret": "\[masked: \d+ characters\]"/);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with OAuth 1.0a' }).waitFor();
    await page.close();
  }, 60_000);
});
