// Real socket.io-client users against the Native AOT chat server: node native-chat.mjs <server url>.
// Exercises what needs JSON metadata at runtime: every request record, every reply and event type, and the error
// acknowledgement of a payload that does not bind. Prints "PASS <summary json>" and exits 0, or FAIL and exits 1.
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';

const url = process.argv[2];
if (!url) {
  console.error('usage: node native-chat.mjs <server url>');
  process.exit(2);
}

const TIMEOUT_MS = 10000;
const sockets = [];

function connect(name, options) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { forceNew: true, reconnection: false, ...options });
    socket.name = name;
    socket.received = [];
    socket.onAny((event, ...args) => socket.received.push({ event, payload: args[0] }));
    sockets.push(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`${name} could not connect: ${error.message}`)));
  });
}

/** The first `event` received by `socket` whose payload satisfies `predicate`, already there or within the timeout. */
function waitFor(socket, event, predicate = () => true) {
  return new Promise((resolve, reject) => {
    const check = () => socket.received.find((r) => r.event === event && predicate(r.payload));
    const found = check();
    if (found) {
      resolve(found.payload);
      return;
    }

    const timer = setTimeout(() => {
      socket.offAny(listener);
      reject(new Error(`${socket.name} got no '${event}' in ${TIMEOUT_MS} ms; received ${JSON.stringify(socket.received)}`));
    }, TIMEOUT_MS);
    const listener = () => {
      const hit = check();
      if (hit) {
        clearTimeout(timer);
        socket.offAny(listener);
        resolve(hit.payload);
      }
    };
    socket.onAny(listener);
  });
}

const request = (socket, event, payload) => socket.timeout(TIMEOUT_MS).emitWithAck(event, payload);

try {
  // WebSocket only for one user, polling upgraded to WebSocket for the other: both transports of the native server.
  const alice = await connect('alice', { transports: ['websocket'] });
  const bob = await connect('bob', {});

  const aliceIn = await request(alice, 'login', { username: 'Alice' });
  assert.equal(aliceIn.ok, true, JSON.stringify(aliceIn));
  assert.equal(aliceIn.username, 'Alice');
  assert.equal(aliceIn.room.name, 'lobby');
  assert.deepEqual(aliceIn.room.users, ['Alice']);
  assert.deepEqual(aliceIn.rooms.find((r) => r.name === 'lobby'), { name: 'lobby', userCount: 1, permanent: true });

  const bobIn = await request(bob, 'login', { username: 'Bob' });
  assert.equal(bobIn.ok, true, JSON.stringify(bobIn));
  assert.deepEqual(bobIn.room.users, ['Alice', 'Bob']);
  const notice = await waitFor(alice, 'notice', (n) => n.user === 'Bob');
  assert.equal(notice.kind, 'joined');
  assert.equal(notice.room, 'lobby');
  await waitFor(alice, 'users', (u) => u.room === 'lobby' && u.users.join() === 'Alice,Bob');

  const aliceMoved = await request(alice, 'join', { room: 'Native' });
  assert.equal(aliceMoved.ok, true, JSON.stringify(aliceMoved));
  assert.equal(aliceMoved.room.name, 'native');
  await waitFor(bob, 'rooms', (l) => l.rooms.some((r) => r.name === 'native' && r.userCount === 1 && !r.permanent));
  const bobMoved = await request(bob, 'join', { room: 'native' });
  assert.deepEqual(bobMoved.room.users, ['Alice', 'Bob']);

  // The sender's ack carries the stored message; the other user receives the same message as an event.
  const posted = await request(bob, 'message', { text: 'hello from node 👋' });
  assert.equal(posted.ok, true, JSON.stringify(posted));
  assert.equal(posted.message.text, 'hello from node 👋');
  assert.equal(posted.message.user, 'Bob');
  assert.equal(posted.message.room, 'native');
  assert.equal(typeof posted.message.id, 'number');
  assert.match(posted.message.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?\+00:00$/);
  assert.deepEqual(await waitFor(alice, 'message', (m) => m.id === posted.message.id), posted.message);

  alice.emit('typing', { isTyping: true });
  assert.deepEqual(await waitFor(bob, 'typing'), { room: 'native', user: 'Alice', isTyping: true });

  const listed = await request(alice, 'rooms');
  assert.equal(listed.ok, true, JSON.stringify(listed));
  assert.equal(listed.rooms.find((r) => r.name === 'native').userCount, 2);

  // A payload that does not bind is answered with an error ack, and the connection keeps serving.
  const refused = await request(alice, 'message', 42);
  assert.equal(refused.ok, false, JSON.stringify(refused));
  assert.match(refused.error, /payload/i);
  const left = await request(alice, 'leave');
  assert.equal(left.ok, true, JSON.stringify(left));
  assert.equal(left.room.name, 'lobby');

  console.log(`PASS ${JSON.stringify({ message: posted.message, refused: refused.error })}`);
} catch (error) {
  console.log(`FAIL ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  for (const socket of sockets) {
    socket.disconnect();
  }
}
