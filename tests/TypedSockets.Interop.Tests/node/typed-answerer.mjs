// An npm socket.io-client user of the typed test contract (TypedSockets.TestContracts): it joins a room with the
// acknowledged "join" and answers "ask" through its callback after a delay, so the typed hub's emitters and
// acknowledged broadcasts can be checked against the real client. A question starting with "refuse" is answered with
// the TypedSockets error shape, {error: {message, code, data}}, as a JS user refuses a call.
//   node typed-answerer.mjs <url> <name> <answerDelayMs> <room>
// stdout: {"type":"joined","id":"...","size":n} once in the room, then {"type":"asked","question":"..."} per "ask".
// Exits when stdin closes, or after 45 s.
import { io } from "socket.io-client";

const [url, name, delay, room] = process.argv.slice(2);
const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });

socket.on("ask", (question, callback) => {
  print({ type: "asked", question });
  const answer = question.startsWith("refuse")
    ? { error: { message: `${name} refuses`, code: "refused", data: { question } } }
    : `${name} says ${question}`;
  setTimeout(() => callback(answer), Number(delay));
});
socket.on("connect", async () => {
  const size = await socket.timeout(10000).emitWithAck("join", room);
  print({ type: "joined", id: socket.id, size });
});
socket.on("connect_error", (e) => print({ type: "connect_error", message: e.message }));

setTimeout(() => process.exit(2), 45000).unref();
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
