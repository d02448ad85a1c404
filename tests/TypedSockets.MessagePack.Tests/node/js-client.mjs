// socket.io-client 4.8 with socket.io-msgpack-parser against the .NET server.
// Usage: node js-client.mjs <base url> <websocket|polling>
// Prints one JSON object: { <scenario>: <what was received> | { error } }.
import { createRequire } from "node:module";
import { io } from "socket.io-client";
import { describe } from "./describe.mjs";

const require = createRequire(import.meta.url);
const parser = require("socket.io-msgpack-parser");

const [url, transport] = process.argv.slice(2);
const options = { parser, transports: [transport], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 200, timeout: 5000 };
const results = {};
const sockets = [];

const open = (nsp = "/", extra = {}) => {
  const socket = io(url + nsp, { ...options, ...extra });
  sockets.push(socket);
  return socket;
};
const once = (socket, event, ms = 4000) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
  socket.once(event, (...args) => { clearTimeout(timer); resolve(args); });
});
const delay = (ms) => new Promise((r) => setTimeout(r, ms));
// emitWithAck resolves with the first argument only; this keeps them all.
const ack = (socket, event, ...args) => new Promise((resolve, reject) => {
  socket.timeout(8000).emit(event, ...args, (err, ...response) => (err ? reject(err) : resolve(response)));
});

async function scenario(name, body) {
  try {
    results[name] = await body();
  } catch (e) {
    results[name] = { error: String(e && e.stack || e) };
  }
}

const a = open();
await once(a, "connect");

await scenario("echo", async () => {
  const back = once(a, "echo-back");
  a.emit("echo", 1, "two", { three: [true, null], four: undefined }, 1.5, -7, 2 ** 40, Buffer.from([1, 2, 3]), new Date(1700000000123), "héllo 😀");
  return describe(await back);
});

await scenario("ack", async () => describe(await ack(a, "ack-me", "x", 2, Buffer.from([7]))));

await scenario("typed", async () => describe(await ack(a, "typed", {
  name: "a.bin", content: Buffer.from([1, 2, 3]), sent: new Date(1700000000123), tags: ["t1", "t2"],
})));

await scenario("browser binary", async () => describe(await ack(a, "length", new Uint8Array([5, 6, 7, 8]).buffer)));

await scenario("large binary", async () => {
  const big = Buffer.alloc(200_000);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;
  const echoed = await a.timeout(8000).emitWithAck("ack-me", big);
  return { same: Buffer.isBuffer(echoed) && echoed.equals(big), length: echoed.length };
});

await scenario("server ack", async () => {
  a.on("question", (n, bytes, cb) => cb(n * 2, Buffer.concat([bytes, Buffer.from([9])])));
  const answer = once(a, "answer");
  a.emit("ask-me", 21, Buffer.from([8]));
  return describe(await answer);
});

await scenario("generated emitters and dispatchers", async () => {
  const scores = [];
  a.on("score", (...args) => scores.push(describe(args)));
  a.on("confirm", (question, cb) => { scores.push(describe(["confirm", question])); cb(true); });
  const [points] = await ack(a, "submit", "alice", { x: 4.2, y: -2 });
  return { points, scores };
});

await scenario("rooms", async () => {
  const b = open();
  const c = open();
  await Promise.all([once(b, "connect"), once(c, "connect")]);
  await a.timeout(4000).emitWithAck("join", "room1");
  await b.timeout(4000).emitWithAck("join", "room1");
  const got = { a: [], b: [], c: [] };
  for (const [name, s] of Object.entries({ a, b, c })) {
    s.on("room-msg", (...args) => got[name].push(describe(args)));
    s.on("everyone", (...args) => got[name].push(describe(["everyone", ...args])));
  }
  a.emit("to-room", "room1", "hi room", Buffer.from([1]));
  await a.timeout(4000).emitWithAck("broadcast-all", { n: 1 });
  await delay(300);
  return got;
});

await scenario("namespace with auth", async () => {
  const admin = open("/admin", { auth: { token: "secret" } });
  await once(admin, "connect");
  const who = describe(await ack(admin, "whoami"));
  const disconnected = once(admin, "disconnect");
  admin.emit("kick-me");
  const [reason] = await disconnected;
  return { who, reason };
});

await scenario("connect error with data", async () => {
  const refused = open("/admin", { auth: { token: "wrong" } });
  const [err] = await once(refused, "connect_error");
  refused.close();
  return { message: err.message, data: describe(err.data) };
});

await scenario("unknown namespace", async () => {
  const unknown = open("/nope");
  const [err] = await once(unknown, "connect_error");
  unknown.close();
  return { message: err.message };
});

await scenario("recovery", async () => {
  const r = io(url + "/", { ...options, path: "/recovery/" });
  sockets.push(r);
  await once(r, "connect");
  const first = { recovered: r.recovered, hasPid: typeof r._pid === "string" };
  const ticks = [];
  r.on("tick", (n) => ticks.push(n));
  await r.timeout(4000).emitWithAck("start");
  await delay(100);
  const missed = once(r, "tick", 6000);
  const reconnected = once(r, "connect", 6000);
  r.io.engine.close(); // transport close: the server keeps the session and broadcasts a tick meanwhile
  await Promise.all([missed, reconnected]);
  await delay(100);
  return { first, recovered: r.recovered, ticks };
});

// The case under both parsers: {counter, delta} binds; a payload missing delta or with counter: null is
// refused (the method is not called); the server's record arrives with camelCase names.
await scenario("one wire shape", async () => {
  const out = {};
  for (const [name, extra] of [["msgpack", {}], ["json", { parser: undefined, path: "/json/" }]]) {
    const s = io(url + "/", { ...options, ...extra });
    sockets.push(s);
    await once(s, "connect");
    const applied = once(s, "applied");
    s.emit("apply", { counter: "main" });
    s.emit("apply", { counter: null, delta: 2 });
    s.emit("apply", { counter: "main", delta: 2 });
    const received = describe(await applied);
    const calls = await s.timeout(4000).emitWithAck("calls");
    out[name] = { received, calls };
  }
  return out;
});

for (const s of sockets) s.close();
process.stdout.write(JSON.stringify(results) + "\n");
process.exit(0);
