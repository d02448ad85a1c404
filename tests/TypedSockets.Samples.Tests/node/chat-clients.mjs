// Chat scenarios between real socket.io-client users: node chat-clients.mjs <server url> <scenario>.
// Prints "PASS <scenario> <summary json>" and exits 0, or prints FAIL and exits non-zero.
import assert from 'node:assert/strict';
import { connect, request, run } from './harness.mjs';

const [url, scenario] = process.argv.slice(2);
if (!url || !scenario) {
  console.error('usage: node chat-clients.mjs <server url> <scenario>');
  process.exit(2);
}

// One client per transport setup, so both the WebSocket-only path and polling + upgrade are exercised.
const websocket = { transports: ['websocket'] };
const pollingThenUpgrade = {};

async function signIn(name, username, options = websocket) {
  const socket = await connect(url, name, options);
  const reply = await request(socket, 'login', { username });
  assert.equal(reply.ok, true, `${name} could not sign in as ${username}: ${JSON.stringify(reply)}`);
  return { socket, reply };
}

function assertRefused(reply, pattern, what) {
  assert.equal(reply.ok, false, `${what} was accepted: ${JSON.stringify(reply)}`);
  assert.equal(typeof reply.error, 'string', `${what}: no error text in ${JSON.stringify(reply)}`);
  if (pattern) {
    assert.match(reply.error, pattern, what);
  }
}

const scenarios = {
  /** Two users meet in the lobby, move to a new room, talk, and one leaves. */
  async conversation() {
    const { socket: alice, reply: aliceIn } = await signIn('alice', 'Alice', websocket);
    assert.equal(aliceIn.username, 'Alice');
    assert.equal(aliceIn.room.name, 'lobby');
    assert.deepEqual(aliceIn.room.users, ['Alice']);
    assert.deepEqual(aliceIn.room.history, []);
    assert.deepEqual(aliceIn.rooms.find((r) => r.name === 'lobby'), { name: 'lobby', userCount: 1, permanent: true });

    const { socket: bob, reply: bobIn } = await signIn('bob', '  Bob  ', pollingThenUpgrade);
    assert.equal(bobIn.username, 'Bob', 'the username is trimmed');
    assert.deepEqual(bobIn.room.users, ['Alice', 'Bob']);
    assert.equal(bobIn.rooms.find((r) => r.name === 'lobby').userCount, 2);

    const joined = await alice.waitFor('notice', (n) => n.user === 'Bob');
    assert.equal(joined.room, 'lobby');
    assert.equal(joined.kind, 'joined');
    assert.ok(Math.abs(Date.parse(joined.timestamp) - Date.now()) < 60000, `notice timestamp ${joined.timestamp}`);
    await alice.waitFor('users', (u) => u.room === 'lobby' && u.users.join() === 'Alice,Bob');
    await alice.waitFor('rooms', (l) => l.rooms.find((r) => r.name === 'lobby')?.userCount === 2);

    // Alice opens a new room (names are case-insensitive); Bob sees her leave the lobby and the room appear.
    const aliceMoved = await request(alice, 'join', { room: 'DotNet' });
    assert.equal(aliceMoved.ok, true, JSON.stringify(aliceMoved));
    assert.equal(aliceMoved.room.name, 'dotnet');
    assert.deepEqual(aliceMoved.room.users, ['Alice']);
    await bob.waitFor('notice', (n) => n.room === 'lobby' && n.user === 'Alice' && n.kind === 'left');
    await bob.waitFor('users', (u) => u.room === 'lobby' && u.users.join() === 'Bob');
    await bob.waitFor('rooms', (l) => l.rooms.some((r) => r.name === 'dotnet' && r.userCount === 1 && !r.permanent));

    const bobMoved = await request(bob, 'join', { room: 'dotnet' });
    assert.equal(bobMoved.ok, true, JSON.stringify(bobMoved));
    assert.deepEqual(bobMoved.room.users, ['Alice', 'Bob']);
    assert.deepEqual(bobMoved.room.history, []);
    await alice.waitFor('notice', (n) => n.room === 'dotnet' && n.user === 'Bob' && n.kind === 'joined');
    await alice.waitFor('users', (u) => u.room === 'dotnet' && u.users.join() === 'Alice,Bob');

    // Messages: the sender's ack carries the stored message; the others receive the same message as an event.
    const fromBob = await request(bob, 'message', { text: '  hello from bob  ' });
    assert.equal(fromBob.ok, true, JSON.stringify(fromBob));
    assert.equal(fromBob.message.text, 'hello from bob', 'the text is trimmed');
    assert.equal(fromBob.message.user, 'Bob');
    assert.equal(fromBob.message.room, 'dotnet');
    assert.equal(typeof fromBob.message.id, 'number');
    assert.match(fromBob.message.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?\+00:00$/, 'ISO 8601, UTC, milliseconds at most');
    assert.ok(Math.abs(Date.parse(fromBob.message.timestamp) - Date.now()) < 60000, `timestamp ${fromBob.message.timestamp}`);
    assert.deepEqual(await alice.waitFor('message', (m) => m.id === fromBob.message.id), fromBob.message);

    const fromAlice = await request(alice, 'message', { text: 'hi bob 👋 <b>not bold</b>\nsecond line' });
    assert.equal(fromAlice.ok, true, JSON.stringify(fromAlice));
    assert.ok(fromAlice.message.id > fromBob.message.id, 'ids grow');
    assert.deepEqual(await bob.waitFor('message', (m) => m.id === fromAlice.message.id), fromAlice.message);
    assert.equal(fromAlice.message.text, 'hi bob 👋 <b>not bold</b>\nsecond line', 'text round-trips unchanged');

    // Bob leaves: back to the lobby; Alice is told. Leaving the lobby itself is refused.
    const bobLeft = await request(bob, 'leave');
    assert.equal(bobLeft.ok, true, JSON.stringify(bobLeft));
    assert.equal(bobLeft.room.name, 'lobby');
    await alice.waitFor('notice', (n) => n.room === 'dotnet' && n.user === 'Bob' && n.kind === 'left');
    await alice.waitFor('users', (u) => u.room === 'dotnet' && u.users.join() === 'Alice');
    assertRefused(await request(bob, 'leave'), /lobby/, 'leaving the lobby');

    const list = await request(bob, 'rooms');
    assert.equal(list.ok, true);
    assert.deepEqual(list.rooms.map((r) => `${r.name}:${r.userCount}`), ['lobby:1', 'random:0', 'help:0', 'dotnet:1']);

    // Nobody received their own message as an event.
    assert.equal(bob.received('message', (m) => m.user === 'Bob').length, 0);
    assert.equal(alice.received('message', (m) => m.user === 'Alice').length, 0);
    return { messages: [fromBob.message.id, fromAlice.message.id] };
  },

  /** The typing indicator reaches the rest of the room only. */
  async typing() {
    const { socket: alice } = await signIn('alice', 'Alice', websocket);
    const { socket: bob } = await signIn('bob', 'Bob', pollingThenUpgrade);
    const { socket: carol } = await signIn('carol', 'Carol', websocket);
    assert.equal((await request(alice, 'join', { room: 'typing-room' })).ok, true);
    assert.equal((await request(bob, 'join', { room: 'typing-room' })).ok, true);

    const started = await request(alice, 'typing', { isTyping: true });
    assert.deepEqual(started, { ok: true });
    assert.deepEqual(await bob.waitFor('typing'), { room: 'typing-room', user: 'Alice', isTyping: true });

    alice.emit('typing', { isTyping: false }); // without an ack, as the page sends it
    assert.deepEqual(await bob.waitFor('typing'), { room: 'typing-room', user: 'Alice', isTyping: false });

    // Round trips on each connection: anything sent to Alice or Carol before these replies has arrived by now.
    await request(alice, 'rooms');
    await request(carol, 'rooms');
    assert.deepEqual(alice.received('typing'), [], 'the typist does not see their own indicator');
    assert.deepEqual(carol.received('typing'), [], 'users in other rooms do not see it');

    const stranger = await connect(url, 'stranger');
    assertRefused(await request(stranger, 'typing', { isTyping: true }), /Sign in/, 'typing before signing in');
    return { typing: 2 };
  },

  /** A late joiner gets the last 50 messages of the room, oldest first. */
  async history() {
    const { socket: alice } = await signIn('alice', 'Alice', websocket);
    assert.equal((await request(alice, 'join', { room: 'random' })).ok, true);
    const sent = [];
    for (let i = 1; i <= 53; i++) {
      const reply = await request(alice, 'message', { text: `message ${i}` });
      assert.equal(reply.ok, true, JSON.stringify(reply));
      sent.push(reply.message);
    }

    const { socket: bob, reply: bobIn } = await signIn('bob', 'Bob', pollingThenUpgrade);
    assert.deepEqual(bobIn.room.history, [], 'the lobby has no history');
    const entered = await request(bob, 'join', { room: 'random' });
    assert.equal(entered.ok, true, JSON.stringify(entered));
    assert.equal(entered.room.history.length, 50);
    assert.deepEqual(entered.room.history, sent.slice(3), 'the last 50 messages, oldest first, as they were acknowledged');
    assert.deepEqual(entered.room.users, ['Alice', 'Bob']);

    // And live messages after the history.
    const live = await request(alice, 'message', { text: 'welcome, bob' });
    assert.deepEqual(await bob.waitFor('message'), live.message);
    return { first: entered.room.history[0].text, last: live.message.text, lastId: live.message.id };
  },

  /** Usernames are unique among connected users; a refused login leaves the connection usable. */
  async duplicateUsername() {
    const { socket: alice } = await signIn('alice', 'Alice', websocket);
    const bob = await connect(url, 'bob', pollingThenUpgrade);
    assertRefused(await request(bob, 'login', { username: 'Alice' }), /taken/, 'the same name');
    assertRefused(await request(bob, 'login', { username: '  aLiCe ' }), /taken/, 'the same name, other case and spaces');
    assert.ok(bob.connected, 'a refused login does not disconnect');

    const bobIn = await request(bob, 'login', { username: 'Bob' });
    assert.equal(bobIn.ok, true, JSON.stringify(bobIn));
    assert.deepEqual(bobIn.room.users, ['Alice', 'Bob'], 'the refused attempts left no trace');
    assertRefused(await request(bob, 'login', { username: 'Bobby' }), /already signed in as Bob/, 'a second login');

    // Once Alice disconnects, her name is free again.
    alice.close();
    await bob.waitFor('notice', (n) => n.user === 'Alice' && n.kind === 'left');
    await bob.waitFor('users', (u) => u.users.join() === 'Bob');
    const { reply: again } = await signIn('alice-again', 'alice', websocket);
    assert.equal(again.username, 'alice');
    return { reused: again.username };
  },

  /** Every malformed request is answered with an error ack; the connection and the server keep working. */
  async invalidPayloads() {
    const eve = await connect(url, 'eve', pollingThenUpgrade);
    assertRefused(await request(eve, 'message', { text: 'too early' }), /Sign in/, 'a message before signing in');
    assertRefused(await request(eve, 'join', { room: 'dotnet' }), /Sign in/, 'a join before signing in');
    assertRefused(await request(eve, 'leave'), /Sign in/, 'a leave before signing in');

    const badLogins = [
      [[42], /Invalid payload for "login"/],
      [['just a string'], /Invalid payload/],
      [[[1, 2]], /Invalid payload/],
      [[null], /Invalid payload/],
      [[], /Invalid payload/],
      [[{ username: 123 }], /Invalid payload/],
      [[{ username: { nested: true } }], /Invalid payload/],
      [[{}], /Invalid payload/], // a missing constructor parameter does not bind (RespectRequiredConstructorParameters)
      [[{ username: '   ' }], /Choose a username/],
      [[{ username: 'x'.repeat(25) }], /at most 24/],
      [[{ username: 'bell\u0007' }], /control characters/],
    ];
    for (const [args, pattern] of badLogins) {
      assertRefused(await request(eve, 'login', ...args), pattern, `login ${JSON.stringify(args)}`);
    }

    assert.equal((await request(eve, 'login', { username: 'x'.repeat(24) })).ok, true, 'a 24-character name is fine');

    const badMessages = [
      [[{ text: 123 }], /Invalid payload for "message"/],
      [['plain text'], /Invalid payload/],
      [[], /Invalid payload/],
      [[Buffer.from([1, 2, 3])], /Invalid payload|empty/], // binary: a placeholder object without "text"
      [[{}], /Invalid payload/],
      [[{ text: '   ' }], /empty/],
      [[{ text: 'x'.repeat(501) }], /at most 500/],
      [[{ text: 'nul\u0000' }], /control characters/],
    ];
    for (const [args, pattern] of badMessages) {
      assertRefused(await request(eve, 'message', ...args), pattern, `message ${JSON.stringify(args)}`);
    }

    const badJoins = [
      [[{ room: '../etc' }], /room name/],
      [[{ room: '' }], /Name a room/],
      [[{ room: 'r'.repeat(25) }], /room name/],
      [[{ room: 5 }], /Invalid payload for "join"/],
      [['lobby'], /Invalid payload/],
    ];
    for (const [args, pattern] of badJoins) {
      assertRefused(await request(eve, 'join', ...args), pattern, `join ${JSON.stringify(args)}`);
    }

    assertRefused(await request(eve, 'typing', { isTyping: 'yes' }), /Invalid payload for "typing"/, 'typing with a string');

    // Malformed events without an ack, and an event nobody handles: nothing to answer, nothing must break.
    eve.emit('message', 'not an object');
    eve.emit('login');
    eve.emit('no-such-event', 1, 2, 3);

    const longest = await request(eve, 'message', { text: 'y'.repeat(500) });
    assert.equal(longest.ok, true, 'a 500-character message is fine');
    const after = await request(eve, 'message', { text: 'still here' });
    assert.equal(after.ok, true, JSON.stringify(after));
    assert.ok(eve.connected, 'the connection survived every bad request');

    // The server keeps serving other clients too.
    const { socket: frank, reply: frankIn } = await signIn('frank', 'Frank', websocket);
    assert.deepEqual(frankIn.room.history.map((m) => m.text), ['y'.repeat(500), 'still here']);
    const hello = await request(frank, 'message', { text: 'hello eve' });
    assert.deepEqual(await eve.waitFor('message'), hello.message);
    return { refused: badLogins.length + badMessages.length + badJoins.length + 4 };
  },
};

const body = scenarios[scenario];
if (!body) {
  console.error(`unknown scenario "${scenario}"; known: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}

run(scenario, body);
