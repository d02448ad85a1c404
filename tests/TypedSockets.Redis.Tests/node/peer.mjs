// A Node.js peer for the Redis cluster tests, driven by JSON lines on stdin; it answers and reports on stdout.
//   {"id":1,"cmd":"server.start","port":0,"adapter":"redis"|"streams","redis":"redis://127.0.0.1:6379","recovery":true}
//   {"id":2,"cmd":"client.connect","name":"a","url":"http://127.0.0.1:5000","auth":{}}
// Every answer is {"id":N,"ok":true,"result":...} or {"id":N,"ok":false,"error":"..."}; events a client receives are
// reported as {"event":"client","name":"a","ev":"...","args":[...]} (binary as {"$binary":"<base64>"}).
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { createClient } from "redis";
import { createAdapter as createRedisAdapter } from "@socket.io/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { Emitter } from "@socket.io/redis-emitter";

const clients = new Map();
let io;
let redisClients = [];
let emitter;

const out = (message) => process.stdout.write(JSON.stringify(message, replacer) + "\n");

function replacer(key, value) {
  if (value && value.type === "Buffer" && Array.isArray(value.data)) {
    return { $binary: Buffer.from(value.data).toString("base64") };
  }
  if (value instanceof ArrayBuffer) {
    return { $binary: Buffer.from(value).toString("base64") };
  }
  return value;
}

// {"$binary": base64} in commands becomes a Buffer.
function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    if (typeof value.$binary === "string") return Buffer.from(value.$binary, "base64");
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

function target(cmd) {
  let op = cmd.nsp ? io.of(cmd.nsp) : io;
  for (const room of cmd.rooms ?? []) op = op.to(room);
  for (const room of cmd.except ?? []) op = op.except(room);
  return op;
}

const commands = {
  async "server.start"(cmd) {
    const pub = createClient({ url: cmd.redis });
    pub.on("error", () => {});
    await pub.connect();
    redisClients.push(pub);
    let adapter;
    if (cmd.adapter === "streams") {
      adapter = createStreamsAdapter(pub, { blockTimeInMs: 1000 });
    } else {
      const sub = pub.duplicate();
      sub.on("error", () => {});
      await sub.connect();
      redisClients.push(sub);
      adapter = createRedisAdapter(pub, sub, { requestsTimeout: cmd.requestsTimeout ?? 5000 });
    }
    const httpServer = createServer();
    io = new Server(httpServer, {
      adapter,
      connectionStateRecovery: cmd.recovery ? { maxDisconnectionDuration: 60000, skipMiddlewares: true } : undefined,
    });
    io.on("connection", (socket) => {
      socket.data.node = "node";
      for (const room of socket.handshake.auth?.rooms ?? []) socket.join(room);
      socket.on("join", (room, ack) => { socket.join(room); ack?.("joined"); });
      socket.on("broadcast", (...args) => io.emit("broadcast-back", ...args));
    });
    io.on("server-ping", (arg, callback) => {
      out({ event: "server", ev: "server-ping", args: [arg] });
      callback?.("node:" + arg);
    });
    io.on("server-note", (...args) => out({ event: "server", ev: "server-note", args }));
    io.on("typed-note", (...args) => out({ event: "server", ev: "typed-note", args }));
    await new Promise((resolve) => httpServer.listen(cmd.port ?? 0, "127.0.0.1", resolve));
    return { port: httpServer.address().port, uid: io.of("/").adapter.uid };
  },
  // A namespace whose sockets get cmd.data as their socket.data.
  async "server.of"(cmd) {
    io.of(cmd.nsp).on("connection", (socket) => { Object.assign(socket.data, cmd.data ?? {}); });
    return true;
  },
  async "server.emit"(cmd) {
    target(cmd).emit(cmd.event, ...revive(cmd.args ?? []));
    return true;
  },
  async "server.emitMany"(cmd) {
    for (let i = 1; i <= cmd.count; i++) {
      io.emit(cmd.event, i);
      await new Promise((r) => setTimeout(r, cmd.intervalMs ?? 0));
    }
    return true;
  },
  async "server.emitWithAck"(cmd) {
    return await target(cmd).timeout(cmd.timeout ?? 3000).emitWithAck(cmd.event, ...revive(cmd.args ?? []));
  },
  async "server.fetchSockets"(cmd) {
    const sockets = await target(cmd).fetchSockets();
    return sockets.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data })).sort((a, b) => a.id.localeCompare(b.id));
  },
  async "server.serverSideEmitWithAck"(cmd) {
    return await io.serverSideEmitWithAck(cmd.event, ...revive(cmd.args ?? []));
  },
  async "server.serverSideEmit"(cmd) {
    io.serverSideEmit(cmd.event, ...revive(cmd.args ?? []));
    return true;
  },
  async "server.socketsJoin"(cmd) {
    target(cmd).socketsJoin(cmd.room);
    return true;
  },
  async "server.serverCount"() {
    return await io.of("/").adapter.serverCount();
  },
  async "emitter.emit"(cmd) {
    if (!emitter) {
      const client = createClient({ url: cmd.redis });
      client.on("error", () => {});
      await client.connect();
      redisClients.push(client);
      emitter = new Emitter(client);
    }
    let op = emitter;
    for (const room of cmd.rooms ?? []) op = op.to(room);
    op.emit(cmd.event, ...revive(cmd.args ?? []));
    return true;
  },
  async "client.connect"(cmd) {
    const socket = connect(cmd.url, {
      auth: cmd.auth ?? {},
      transports: cmd.transports ?? ["websocket"],
      reconnectionDelay: 100,
      reconnectionDelayMax: 300,
      forceNew: true,
    });
    clients.set(cmd.name, socket);
    socket.onAny((ev, ...args) => {
      const ack = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
      out({ event: "client", name: cmd.name, ev, args, recovered: socket.recovered });
      if (ack) ack(cmd.ackReply ?? `${cmd.name}:${args[0]}`);
    });
    socket.on("connect", () => out({ event: "connect", name: cmd.name, id: socket.id, recovered: socket.recovered }));
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    return { id: socket.id };
  },
  async "client.emit"(cmd) {
    clients.get(cmd.name).emit(cmd.event, ...revive(cmd.args ?? []));
    return true;
  },
  async "client.emitWithAck"(cmd) {
    return await clients.get(cmd.name).timeout(cmd.timeout ?? 3000).emitWithAck(cmd.event, ...revive(cmd.args ?? []));
  },
  // Drops the transport without a DISCONNECT (the server sees "transport close") and reconnects to another node.
  async "client.moveTo"(cmd) {
    const socket = clients.get(cmd.name);
    socket.io.uri = cmd.url;
    socket.io.engine.close();
    return true;
  },
  async "client.disconnect"(cmd) {
    clients.get(cmd.name)?.disconnect();
    clients.delete(cmd.name);
    return true;
  },
};

const lines = createInterface({ input: process.stdin });
lines.on("line", async (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  try {
    const handler = commands[cmd.cmd];
    if (!handler) throw new Error(`unknown command ${cmd.cmd}`);
    out({ id: cmd.id, ok: true, result: await handler(cmd) });
  } catch (e) {
    out({ id: cmd.id, ok: false, error: String(e?.message ?? e) });
  }
});
lines.on("close", async () => {
  for (const socket of clients.values()) socket.disconnect();
  io?.close();
  for (const client of redisClients) await client.disconnect().catch(() => {});
  process.exit(0);
});
out({ event: "ready" });
