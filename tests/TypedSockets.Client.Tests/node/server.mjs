// The reference Socket.IO server (npm socket.io) the .NET client is tested and benchmarked against.
// Usage: node server.mjs '{"port":0,"pingInterval":300,"pingTimeout":300,"transports":["polling","websocket"],"recovery":false}'
// Prints "listening <port>" once ready. The handlers mirror ClientScenarioServer in the .NET tests.
import { createServer } from "node:http";
import { Server } from "socket.io";

const config = Object.assign(
  { port: 0, pingInterval: 25000, pingTimeout: 20000, transports: ["polling", "websocket"], recovery: false, parser: "json" },
  JSON.parse(process.argv[2] ?? "{}"),
);

const options = {
  pingInterval: config.pingInterval,
  pingTimeout: config.pingTimeout,
  transports: config.transports,
};
if (config.recovery) {
  options.connectionStateRecovery = { maxDisconnectionDuration: 60000, skipMiddlewares: true };
}
if (config.parser === "msgpack") {
  options.parser = (await import("socket.io-msgpack-parser")).default;
}

const httpServer = createServer();
const io = new Server(httpServer, options);

// Concurrency check: what each emitter sent, in arrival order.
const received = new Map();
// Retry check: how many times each "flaky" payload arrived.
const flaky = new Map();

io.on("connection", (socket) => {
  socket.emit("welcome", { id: socket.id, recovered: socket.recovered, auth: socket.handshake.auth ?? null });

  socket.on("echo", (...args) => socket.emit("echo-back", ...args));
  socket.on("ack", (...args) => {
    const callback = args.pop();
    callback(...args);
  });
  socket.on("binary-reverse", (data, callback) => callback(Buffer.from(data).reverse()));
  socket.on("ask", (question) => {
    socket.timeout(5000).emit("question", question, (err, answer) => socket.emit("answer", err ? "no answer" : answer));
  });
  socket.on("server-disconnect", () => socket.disconnect());
  socket.on("drop-transport", () => socket.conn.close());
  socket.on("stream", ({ count, dropAt, intervalMs, dropEvery }) => {
    const id = socket.id;
    let i = 0;
    const timer = setInterval(() => {
      if (i >= count) {
        clearInterval(timer);
        return;
      }
      if (i === dropAt) {
        socket.conn.close();
      } else if (dropEvery && i > dropAt && i % dropEvery === 0) {
        // The socket of the same id now (a recovered session is a new socket object).
        io.of("/").sockets.get(id)?.conn.close();
      }
      socket.emit("tick", i++);
    }, intervalMs);
  });
  socket.on("count", (emitter, seq) => {
    let list = received.get(emitter);
    if (!list) received.set(emitter, (list = []));
    list.push(seq);
  });
  socket.on("report", (prefix, callback) => {
    let emitters = 0, total = 0, duplicates = 0, outOfOrder = 0;
    for (const [emitter, list] of received) {
      if (!emitter.startsWith(prefix)) continue;
      emitters++;
      total += list.length;
      duplicates += list.length - new Set(list).size;
      for (let i = 1; i < list.length; i++) if (list[i] <= list[i - 1]) outOfOrder++;
      received.delete(emitter);
    }
    callback({ emitters, total, duplicates, outOfOrder });
  });
  socket.on("flaky", (key, callback) => {
    const seen = (flaky.get(key) ?? 0) + 1;
    flaky.set(key, seen);
    if (seen >= 2) callback(seen); // the first delivery is never acknowledged
  });
  socket.on("sink", () => {});
  socket.on("sink-ack", (callback) => callback());
});

io.of("/admin").on("connection", (socket) => {
  socket.emit("admin-welcome", socket.nsp.name);
  socket.on("whoami", (callback) => callback(socket.nsp.name, socket.id));
});

io.of("/secure").use((socket, next) => {
  if (socket.handshake.auth?.token === "secret") return next();
  const err = new Error("not authorized");
  err.data = { reason: "bad token", code: 42 };
  next(err);
});
io.of("/secure").on("connection", (socket) => socket.emit("secure-welcome", socket.handshake.auth.token));

// The typed contract of TypedSockets.TestContracts (IShapesServer / IShapesClient), written by hand in JavaScript:
// the typed .NET client talks to it with its generated emitter and dispatcher.
io.of("/typed").on("connection", (socket) => {
  socket.on("note", (text) => socket.emit("notice", "note " + text, text.length));
  socket.on("touch", (n, big, ratio, flag) => socket.emit("notice", `touch ${n} ${big} ${ratio} ${flag}`, n));
  socket.on("add", (a, b, callback) => callback(a + b));
  socket.on("echo:text", (text, callback) => callback(text));
  socket.on("reverse", (data, suffix, callback) => callback(Buffer.concat([Buffer.from(data), Buffer.from(suffix)]).reverse()));
  socket.on("roundtrip", (value, callback) => callback({ name: value.name.toUpperCase(), values: [...value.values].reverse() }));
  socket.on("slow", (delayMs, callback) => setTimeout(() => callback(true), delayMs));
  socket.on("join", (room, callback) => {
    if (room === "full") {
      // The TypedSockets error answer, as a JS server refuses a call.
      callback({ error: { message: "Room is full", code: "room_full", data: { max: 2 } } });
      return;
    }
    socket.join(room);
    callback(socket.nsp.adapter.rooms.get(room)?.size ?? 0);
  });
  // Not in the contract: the test asks the server to call the client's typed handlers.
  socket.on("provoke", async (callback) => {
    socket.emit("blob", Buffer.from([0, 1, 2]), Buffer.from([0xab, 0xcd]));
    let answer;
    try {
      answer = await socket.timeout(5000).emitWithAck("ask", "why");
    } catch {
      answer = "no answer";
    }
    callback(answer);
  });
  // Not in the contract: asks the client's typed handler and relays what emitWithAck resolved to.
  socket.on("provoke-ask", async (question, callback) => callback(await socket.timeout(5000).emitWithAck("ask", question)));
  socket.on("hold-then-disconnect", () => {
    socket.emit("hold", () => {});
    setTimeout(() => socket.disconnect(), 200);
  });
});

httpServer.listen(config.port, "127.0.0.1", () => {
  console.log(`listening ${httpServer.address().port}`);
});

// The test fixture closes stdin to stop the server.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
