// People chat through the page in a real headless Chromium:
//   node browser-chat.mjs <server url> <screenshot folder> [conversation|reconnect]
// Prints "PASS browser-<scenario> <summary json>" and exits 0, or prints FAIL and exits non-zero.
// Chromium: CHROMIUM_PATH, default /usr/bin/chromium (Debian's package). launch() gives every run a fresh temporary
// profile under TMPDIR, which the caller points at a folder of its own.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, screenshotDir, scenario = 'conversation'] = process.argv.slice(2);
if (!url || !screenshotDir) {
  console.error('usage: node browser-chat.mjs <server url> <screenshot folder> [conversation|reconnect]');
  process.exit(2);
}

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`FAIL browser: no Chromium at ${executablePath} (install Debian's package: apt-get install -y chromium)`);
  process.exit(4);
}

const TIMEOUT_MS = 8000;

/** Waits until the element's text satisfies `expected` (a string it contains, or a RegExp). */
async function waitForText(locator, expected, what, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.textContent({ timeout: TIMEOUT_MS })) ?? '';
    if (typeof expected === 'string' ? text.includes(expected) : expected.test(text)) {
      return text;
    }

    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  throw new Error(`${what}: expected ${expected} but the text is ${JSON.stringify(text)}`);
}

async function openPage(browser, name, errors, prepare = async () => {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 680 } });
  const page = await context.newPage();
  await prepare(page);
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) {
      errors.push(`${name}: ${response.status()} for ${response.url()}`);
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(`${name} console: ${message.text()}`);
    }
  });
  await page.goto(url);
  await waitForText(page.locator('#status'), 'Connected', `${name}'s connection status`);
  return page;
}

async function signIn(page, username) {
  await page.fill('#username', username);
  await page.click('#login-form button[type=submit]');
  await page.locator('#chat').waitFor({ state: 'visible' });
  await waitForText(page.locator('#room-title'), '#lobby', `${username}'s room`);
  await waitForText(page.locator('#me'), `Signed in as ${username}`, `${username}'s name`);
}

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
  }
}

async function sendFrom(page, text) {
  await page.fill('#message-input', text);
  await page.press('#message-input', 'Enter');
  await page.locator('#messages .message.mine', { hasText: text }).waitFor();
}

async function joinRoom(page, room) {
  await page.fill('#new-room-name', room);
  await page.press('#new-room-name', 'Enter');
  await waitForText(page.locator('#room-title'), `#${room}`, 'the room title');
}

const scenarios = {
  /** Two users sign in, see each other typing and talking, in the lobby and in a new room. */
  async conversation(browser) {
    const errors = [];
    const alice = await openPage(browser, 'alice', errors);
    const bob = await openPage(browser, 'bob', errors);
    assert.equal(await alice.evaluate(() => typeof window.io), 'function', 'the page loaded the socket.io-client bundle');

    await signIn(alice, 'alice');
    await signIn(bob, 'bob');
    await waitForText(alice.locator('#users'), /alice\s*bob/, "alice's user list");
    await waitForText(alice.locator('#rooms li[data-room=lobby] .count'), '2', "alice's room list");
    await waitForText(alice.locator('#messages'), 'bob joined #lobby', "alice's notices");

    // Typing shows up on the other page, and goes away once the message is sent.
    await alice.locator('#message-input').pressSequentially('Hello Bob, this is Alice', { delay: 15 });
    await waitForText(bob.locator('#typing'), 'alice is typing…', "bob's typing indicator");
    assert.equal(await alice.locator('#typing').textContent(), '', 'alice does not see her own indicator');
    await alice.locator('#message-input').press('Enter');
    const received = bob.locator('#messages .message', { hasText: 'Hello Bob, this is Alice' });
    await received.waitFor();
    assert.equal(await received.locator('.author').textContent(), 'alice');
    await waitForText(alice.locator('#messages .message.mine .text'), 'Hello Bob, this is Alice', "alice's own message");
    await waitForText(bob.locator('#typing'), /^$/, "bob's typing indicator after the message");
    assert.equal(await alice.locator('#message-input').inputValue(), '', 'the composer is cleared');

    // User text is shown as text, never as markup.
    const markup = '<img src=x onerror="window.__pwned=1"><b>bold?</b>';
    await bob.fill('#message-input', markup);
    await bob.press('#message-input', 'Enter');
    const shown = alice.locator('#messages .message', { hasText: 'bold?' });
    await shown.waitFor();
    assert.equal(await shown.locator('.text').textContent(), markup);
    assert.equal(await alice.locator('#messages img, #messages b').count(), 0, 'no element was created from user text');
    assert.equal(await alice.evaluate(() => window.__pwned), undefined);

    // A name already in use is refused on the page.
    const mallory = await openPage(browser, 'mallory', errors);
    await mallory.fill('#username', 'ALICE');
    await mallory.click('#login-form button[type=submit]');
    await waitForText(mallory.locator('#login-error'), 'taken', "the login error for a duplicate name");
    assert.equal(await mallory.locator('#chat').isVisible(), false);

    // Rooms: bob opens a new room, alice sees it in the list and follows; the history comes along.
    await bob.fill('#new-room-name', 'design');
    await bob.press('#new-room-name', 'Enter');
    await waitForText(bob.locator('#room-title'), '#design', "bob's room");
    await bob.fill('#message-input', 'Anyone here?');
    await bob.press('#message-input', 'Enter');
    await bob.locator('#messages .message', { hasText: 'Anyone here?' }).waitFor();
    await waitForText(alice.locator('#rooms li[data-room=design] .count'), '1', "alice's room list");
    await alice.click('#rooms li[data-room=design] button');
    await waitForText(alice.locator('#room-title'), '#design', "alice's room");
    await alice.locator('#messages .message', { hasText: 'Anyone here?' }).waitFor();
    await waitForText(bob.locator('#users'), /alice\s*bob/, "bob's user list in #design");
    await alice.fill('#message-input', 'Here!');
    await alice.press('#message-input', 'Enter');
    await bob.locator('#messages .message', { hasText: 'Here!' }).waitFor();

    const shots = [join(screenshotDir, 'chat-alice.png'), join(screenshotDir, 'chat-bob.png')];
    await alice.screenshot({ path: shots[0] });
    await bob.screenshot({ path: shots[1] });
    assert.deepEqual(errors, [], 'no page errors');
    return { screenshots: shots };
  },

  /**
   * Alice's connection drops and the server stays out of reach for a while: the page says it is reconnecting; once the
   * server is reachable again it signs her in again, takes her back to her room, and the chat goes on.
   */
  async reconnect(browser) {
    const errors = [];
    let outage = false;
    let sockets = 0;
    let current = null;
    const alice = await openPage(browser, 'alice', [], async (page) => {
      // Every WebSocket of the page goes through this proxy, so the test can cut it (and refuse new ones) at will.
      await page.routeWebSocket(/\/socket\.io\//, (ws) => {
        if (outage) {
          ws.close();
          return;
        }

        sockets++;
        ws.connectToServer();
        current = ws;
      });
    });
    const bob = await openPage(browser, 'bob', errors);
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');
    await joinRoom(alice, 'design');
    await joinRoom(bob, 'design');
    await sendFrom(alice, 'before the outage');
    await bob.locator('#messages .message', { hasText: 'before the outage' }).waitFor();
    assert.ok(current, 'alice upgraded to WebSocket');

    // The outage: the WebSocket closes and polling requests fail until it is over.
    outage = true;
    await alice.route('**/socket.io/**', (route) => route.abort('connectionrefused'));
    current.close();
    await waitForText(alice.locator('#status'), /Reconnecting… \(attempt [1-9]\d*\)/, "alice's status during the outage");
    assert.equal(await alice.locator('#status').getAttribute('data-state'), 'reconnecting');
    assert.equal(await alice.locator('#message-input').isDisabled(), true, 'no typing into a dead connection');
    await waitForText(bob.locator('#messages'), 'alice left #design', 'the server noticing alice is gone');
    await waitForText(bob.locator('#users'), /^bob$/, "bob's user list during the outage");
    await alice.screenshot({ path: join(screenshotDir, 'chat-reconnecting.png') });

    outage = false;
    await alice.unroute('**/socket.io/**');
    await waitForText(alice.locator('#status'), 'Connected', "alice's status after the outage", 20000);
    await waitForText(alice.locator('#me'), 'Signed in as alice', 'alice signed in again');
    await waitForText(alice.locator('#room-title'), '#design', 'alice back in her room');
    assert.equal(await alice.locator('#message-input').isDisabled(), false, 'the composer works again');
    await waitForText(bob.locator('#users'), /alice\s*bob/, "bob's user list after the outage");
    await waitForText(alice.locator('#messages'), 'before the outage', "the room's history after the outage");

    await sendFrom(alice, 'back again');
    await bob.locator('#messages .message', { hasText: 'back again' }).waitFor();
    await sendFrom(bob, 'welcome back');
    await alice.locator('#messages .message', { hasText: 'welcome back' }).waitFor();
    assert.deepEqual(errors, [], 'no page errors on the page that stayed connected');
    return { webSockets: sockets };
  },
};

const watchdog = setTimeout(() => {
  console.error(`FAIL browser-${scenario}: did not finish within 45 s`);
  process.exit(3);
}, 45000);

main().then(
  (summary) => {
    clearTimeout(watchdog);
    console.log(`PASS browser-${scenario} ${JSON.stringify(summary)}`);
  },
  (error) => {
    clearTimeout(watchdog);
    console.error(`FAIL browser-${scenario}: ${error && error.stack ? error.stack : error}`);
    process.exit(1);
  });
