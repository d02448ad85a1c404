// The Socket.IO Admin UI page served by the chat sample (--admin-ui), in a real headless Chromium:
//   node admin-ui.mjs <server url> <user> <password> <screenshot folder> [sockets|wrong-password]
// sockets: two chat users (socket.io-client) sign in and one moves to a room; the page is opened at /admin-ui (which
// redirects to /admin-ui/), signed in to, and must list both sockets, their rooms, and one socket's rooms in its details.
// wrong-password: the page's login is refused with the UI's "Invalid credentials" message.
// Prints "PASS admin-ui-<scenario> <summary json>" and exits 0, or prints FAIL and exits non-zero.
// Chromium: CHROMIUM_PATH, default /usr/bin/chromium; TMPDIR is the caller's folder for the browser profile.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { closeAll, connect, request } from './harness.mjs';

const [url, user, password, screenshotDir, scenario = 'sockets'] = process.argv.slice(2);
if (!url || !user || !password || !screenshotDir) {
  console.error('usage: node admin-ui.mjs <server url> <user> <password> <screenshot folder> [sockets|wrong-password]');
  process.exit(2);
}

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`FAIL admin-ui: no Chromium at ${executablePath} (install Debian's package: apt-get install -y chromium)`);
  process.exit(4);
}

const TIMEOUT_MS = 10000;
const origin = new URL(url).origin;

/** Opens the page at /admin-ui (no slash) and checks that it lands on /admin-ui/ with the login dialog. */
async function openAdminUI(browser, errors) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  // index.html also links Google's Roboto font and the Material Design icons from public CDNs: not reachable from a
  // test machine, and not needed to use the page. Refused at once instead of waiting for the network.
  await context.route((target) => target.origin !== origin, (route) => route.abort());
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.url().startsWith(origin) && response.status() >= 400) {
      errors.push(`${response.status()} for ${response.url()}`);
    }
  });

  const response = await page.goto(`${url}/admin-ui`);
  assert.equal(new URL(page.url()).pathname, '/admin-ui/', 'the page moved to the folder URL');
  assert.equal(response.status(), 200);
  assert.match(response.headers()['cache-control'] ?? '', /no-cache/, 'index.html is revalidated');
  await page.getByText('Server URL').first().waitFor();
  return page;
}

async function signIn(page, username, secret) {
  const dialog = page.locator('.v-dialog--active');
  await dialog.getByLabel('Server URL').fill(url);
  await dialog.getByLabel('Username').fill(username);
  await dialog.getByLabel('Password').fill(secret);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  return dialog;
}

/** Waits until every text of `expected` is in the element's text. */
async function waitForTexts(locator, expected, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.textContent({ timeout: TIMEOUT_MS })) ?? '';
    if (expected.every((part) => text.includes(part))) {
      return text;
    }

    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  throw new Error(`${what}: expected ${JSON.stringify(expected)} in ${JSON.stringify(text)}`);
}

const scenarios = {
  async sockets(browser) {
    const errors = [];
    // Two chat users: both enter the lobby; bob then moves to a room of his own.
    const alice = await connect(url, 'alice', { transports: ['websocket'] });
    const bob = await connect(url, 'bob');
    assert.equal((await request(alice, 'login', { username: 'alice' })).ok, true);
    assert.equal((await request(bob, 'login', { username: 'bob' })).ok, true);
    assert.equal((await request(bob, 'join', { room: 'design' })).ok, true);

    const page = await openAdminUI(browser, errors);
    const dialog = await signIn(page, user, password);
    await dialog.waitFor({ state: 'hidden' });
    await page.screenshot({ path: join(screenshotDir, 'admin-ui-dashboard.png') });

    // Sockets page: the "/" namespace is selected by default; both chat sockets are listed by id.
    await page.evaluate(() => { window.location.hash = '#/sockets/'; });
    await waitForTexts(page.locator('main'), [alice.id, bob.id], 'the sockets page');
    await page.screenshot({ path: join(screenshotDir, 'admin-ui-sockets.png') });

    // Rooms page: the chat's rooms (the sockets' private rooms are hidden by default).
    await page.evaluate(() => { window.location.hash = '#/rooms/'; });
    await waitForTexts(page.locator('main'), ['lobby', 'design'], 'the rooms page');
    await page.screenshot({ path: join(screenshotDir, 'admin-ui-rooms.png') });

    // bob's details, opened from the sockets list: his id and his rooms (his own private room and "design").
    await page.evaluate(() => { window.location.hash = '#/sockets/'; });
    await page.locator('main tbody tr', { hasText: bob.id }).click();
    await page.waitForURL((target) => target.hash.includes(`/sockets/${bob.id}`));
    await waitForTexts(page.locator('main'), [bob.id, 'design'], "bob's details");
    const details = await page.locator('main').textContent();
    assert.ok(!details.includes('lobby'), `bob left the lobby, yet his details list it: ${details}`);
    await page.screenshot({ path: join(screenshotDir, 'admin-ui-socket.png') });

    assert.deepEqual(errors, []);
    return { alice: alice.id, bob: bob.id };
  },

  async 'wrong-password'(browser) {
    const errors = [];
    const page = await openAdminUI(browser, errors);
    const dialog = await signIn(page, user, `${password}-wrong`);
    await waitForTexts(dialog.locator('.red--text'), ['Invalid credentials'], 'the login error');
    assert.equal(await dialog.isVisible(), true, 'the login dialog stays open');
    await page.screenshot({ path: join(screenshotDir, 'admin-ui-wrong-password.png') });
    assert.deepEqual(errors, []);
    return { refused: true };
  },
};

async function main() {
  const body = scenarios[scenario];
  if (!body) {
    throw new Error(`unknown scenario "${scenario}"; known: ${Object.keys(scenarios).join(', ')}`);
  }

  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    return { ...(await body(browser)), version: browser.version() };
  } finally {
    await browser.close();
    closeAll();
  }
}

const watchdog = setTimeout(() => {
  console.error(`FAIL admin-ui-${scenario}: did not finish within 50 s`);
  process.exit(3);
}, 50000);

main().then(
  (summary) => {
    clearTimeout(watchdog);
    console.log(`PASS admin-ui-${scenario} ${JSON.stringify(summary)}`);
  },
  (error) => {
    clearTimeout(watchdog);
    console.error(`FAIL admin-ui-${scenario}: ${error && error.stack ? error.stack : error}`);
    process.exit(1);
  });
