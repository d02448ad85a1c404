// The Node socket.io reference target: node --expose-gc server.mjs PORT (0: any free port, printed on start)
// "echo" acks its arguments; "broadcast" emits "tick" with them to every client; GET /stats answers the V8 heap
// used after a full collection (with --expose-gc) and the number of Engine.IO clients. Listens on 127.0.0.1 only.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 3000);
const http = createServer((req, res) => {
  if (req.url === "/stats") {
    globalThis.gc?.();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ heap: process.memoryUsage().heapUsed, connections: io.engine.clientsCount }));
  } else if (!req.url.startsWith("/socket.io/")) {
    res.statusCode = 404;
    res.end();
  }
});
const io = new Server(http, { transports: ["websocket"] });
io.on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const ack = args.pop();
    ack(...args);
  });
  socket.on("broadcast", (...args) => io.emit("tick", ...args));
});
http.listen(port, "127.0.0.1", () => console.log(`listening on 127.0.0.1:${http.address().port}`));
process.on("SIGTERM", () => process.exit(0));
