// socket.io 4.8 with socket.io-msgpack-parser, for our .NET client. Prints "listening <port>" once ready.
// "/": echo -> echo-back (same arguments); ack-me -> ack with the same arguments; ask-me -> emits "question"
// with an ack and sends the client's answer back as "answer"; join <room>; to-room <room> ...args -> room-msg to
// the room but the sender. "/admin": auth.token must be "secret" (else connect_error "not authorized" with
// data {code: 42}); whoami -> ack(nsp, token); kick-me -> server disconnect. Connection state recovery is on
// (every broadcast carries an offset); drop-me exercises it.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { Server } from "socket.io";

const require = createRequire(import.meta.url);
const parser = require("socket.io-msgpack-parser");

const http = createServer();
const io = new Server(http, { parser, connectionStateRecovery: { maxDisconnectionDuration: 30_000 } });

io.on("connection", (socket) => {
  socket.on("echo", (...args) => socket.emit("echo-back", ...args));
  socket.on("ack-me", (...args) => args.pop()(...args));
  socket.on("ask-me", async (n) => {
    const answer = await socket.timeout(4000).emitWithAck("question", n);
    socket.emit("answer", answer);
  });
  socket.on("join", (room, ack) => { socket.join(room); ack(); });
  socket.on("to-room", (room, ...args) => socket.to(room).emit("room-msg", ...args));
  // Recovery: tick 1, then the server drops the transport and broadcasts tick 2 while the client is away.
  socket.on("drop-me", () => {
    socket.emit("tick", 1);
    setTimeout(() => {
      socket.conn.close();
      setTimeout(() => io.emit("tick", 2), 20);
    }, 50);
  });
  socket.on("types", (ack) => ack(Buffer.from([1, 2, 3]), new Date(1700000000123), 1.5, 2 ** 40, -7, null, { nested: [true, "x"] }));
});

const admin = io.of("/admin");
admin.use((socket, next) => {
  if (socket.handshake.auth && socket.handshake.auth.token === "secret") return next();
  const err = new Error("not authorized");
  err.data = { code: 42 };
  next(err);
});
admin.on("connection", (socket) => {
  socket.on("whoami", (ack) => ack(socket.nsp.name, socket.handshake.auth.token));
  socket.on("kick-me", () => socket.disconnect());
});

http.listen(0, "127.0.0.1", () => console.log(`listening ${http.address().port}`));
