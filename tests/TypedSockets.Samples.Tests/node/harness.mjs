// Small helpers shared by the scenario scripts: connect real socket.io-client sockets, record what they receive, wait for
// events with a timeout, and call the server with acknowledgements.
import { io } from 'socket.io-client';

const DEFAULT_TIMEOUT_MS = 5000;
const opened = [];

/** Connects a socket named `name` (for messages) and records every event it receives. */
export function connect(url, name, options = {}) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { forceNew: true, reconnection: false, ...options });
    socket.name = name;
    opened.push(socket);
    record(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`${name} could not connect: ${error.message}`)));
  });
}

function record(socket) {
  const log = [];
  const waiters = new Set();
  socket.onAny((event, ...args) => {
    const entry = { event, args, taken: false };
    log.push(entry);
    for (const waiter of waiters) {
      if (!entry.taken && waiter.matches(entry)) {
        entry.taken = true;
        waiter.done(entry.args[0]);
      }
    }
  });

  /** The first not yet awaited `event` whose first argument satisfies `predicate`, already received or to come. */
  socket.waitFor = (event, predicate = () => true, timeoutMs = DEFAULT_TIMEOUT_MS) => new Promise((resolve, reject) => {
    const matches = (entry) => entry.event === event && predicate(entry.args[0]);
    const found = log.find((entry) => !entry.taken && matches(entry));
    if (found) {
      found.taken = true;
      resolve(found.args[0]);
      return;
    }

    const waiter = {
      matches,
      done: (value) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(value);
      },
    };
    const timer = setTimeout(() => {
      waiters.delete(waiter);
      const seen = log.map((entry) => `${entry.event} ${JSON.stringify(entry.args)}`).join('\n  ');
      reject(new Error(`${socket.name} waited ${timeoutMs} ms for "${event}" in vain; it received:\n  ${seen || '(nothing)'}`));
    }, timeoutMs);
    waiters.add(waiter);
  });

  /** Every `event` received so far whose first argument satisfies `predicate`. */
  socket.received = (event, predicate = () => true) => log.filter((entry) => entry.event === event && predicate(entry.args[0])).map((entry) => entry.args[0]);
}

/** Emits `event` with `args` and resolves with the server's acknowledgement (its first argument). */
export function request(socket, event, ...args) {
  return socket.timeout(DEFAULT_TIMEOUT_MS).emitWithAck(event, ...args);
}

/** Closes every socket this process opened. */
export function closeAll() {
  for (const socket of opened) {
    socket.close();
  }
}

/** Runs `scenario`, prints PASS or the failure, and exits accordingly; gives up after `budgetMs`. */
export async function run(name, scenario, budgetMs = 30000) {
  const watchdog = setTimeout(() => {
    console.error(`FAIL ${name}: did not finish within ${budgetMs} ms`);
    process.exit(3);
  }, budgetMs);
  try {
    const summary = await scenario();
    console.log(`PASS ${name}${summary === undefined ? '' : ` ${JSON.stringify(summary)}`}`);
    closeAll();
    clearTimeout(watchdog);
    // Let the DISCONNECT packets leave before exiting.
    setTimeout(() => process.exit(0), 100);
  } catch (error) {
    console.error(`FAIL ${name}: ${error && error.stack ? error.stack : error}`);
    closeAll();
    process.exit(1);
  }
}
