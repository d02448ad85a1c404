// Runs one scenario of the stream helper (stream-helper.mjs, embedded in docs/streaming.md) or of a hostile peer with
// the npm socket.io-client against a typed hub of IStreamServer (TypedSockets.TestContracts), then exits.
//   node stream-client.mjs <url> <scenario> [--transport polling|websocket]
// stdout: one JSON object per line, {"type":"connected","id"} first and {"type":"done"} last; the tests assert in C#.
// stdin: a line "go" continues a scenario that waits for the test ({"type":"waiting"}); exits after 40 s or on stdin end.
import { io } from "socket.io-client";
import { useStreams } from "./stream-helper.mjs";

const [url, scenario, , transport = "websocket"] = process.argv.slice(2);
const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const socket = io(url, { transports: [transport], forceNew: true, reconnection: false });
// The hostile scenario speaks the protocol by hand: the helper would cancel the items it did not ask for.
const { consume, produce } = scenario === "hostile" ? {} : useStreams(socket);
setTimeout(() => { process.stderr.write(`stream-client.mjs: "${scenario}" timed out\n`); process.exit(2); }, 40000).unref();
process.on("unhandledRejection", (e) => { process.stderr.write(`unhandled: ${e?.stack ?? e}\n`); process.exit(1); });

let resume = null;
process.stdin.setEncoding("utf8");
process.stdin.on("data", () => { const r = resume; resume = null; r?.(); });
process.stdin.on("end", () => process.exit(0));
const waitForTest = (what) => new Promise((r) => { resume = r; print({ type: "waiting", what }); });
const errorOf = (e) => ({ message: e.message, code: e.code ?? null });

const scenarios = {
  // 1,000 items of a server stream, in order.
  async consume() {
    const items = [];
    for await (const n of consume("count", 1000)) items.push(n);
    print({ type: "items", items });
    const words = [];
    for await (const w of consume("words", "a quick brown fox")) words.push(w);
    print({ type: "words", words });
  },

  // Breaks out of an endless stream after 20 items: the hub's producer is cancelled.
  async cancel() {
    let seen = 0;
    for await (const n of consume("endless")) if (++seen === 20) break;
    print({ type: "cancelled", seen });
  },

  // 100 items uploaded to Sum; the iterable checks it is never asked for an item the consumer has not granted.
  async produce() {
    let credited = 0, pulled = 0, maxAhead = -Infinity;
    socket.on("$stream:credit", (id, n) => { credited += n; });
    async function* numbers() {
      for (let i = 1; i <= 100; i++) {
        pulled++; maxAhead = Math.max(maxAhead, pulled - credited);
        yield i;
      }
    }
    const sum = await socket.timeout(10000).emitWithAck("sum", produce(numbers()));
    print({ type: "sum", sum, pulled, credited, maxAhead });
  },

  // A producer that errors, with and without a code.
  async error() {
    for (const code of ["E42", null]) {
      const items = [];
      try {
        for await (const n of consume("fail", 3, code)) items.push(n);
        print({ type: "no-error", items });
      } catch (e) {
        print({ type: "error", items, ...errorOf(e) });
      }
    }
  },

  // The test sets MaxStreams to 2: two endless streams held open, the third refused with stream_limit (result stream),
  // and a stream argument refused in the ack (no timeout).
  async limit() {
    const held = [consume("endless"), consume("endless")];
    for (const s of held) await s.next();
    try { await consume("endless").next(); print({ type: "no-error" }); } catch (e) { print({ type: "result-refused", ...errorOf(e) }); }
    const reply = await socket.timeout(5000).emitWithAck("sum", produce([1, 2, 3]));
    print({ type: "argument-refused", reply });
    for (const s of held) await s.return();
    // The cancelled producers free their places once they have stopped: retry (each try is a round trip).
    for (let attempt = 1; ; attempt++) {
      const sum = await socket.timeout(5000).emitWithAck("sum", produce([1, 2, 3]));
      if (!sum?.error || attempt === 100) { print({ type: "sum", sum }); break; }
    }
  },

  // Hostile: control events with bad ids and credit, items without credit or for unknown streams, many opens.
  async hostile() {
    const cancels = [];
    socket.on("$stream:cancel", (id) => cancels.push(id));
    const id = await socket.emitWithAck("endless"); // a stream whose credit is never consumed as items arrive
    for (const bad of [-1, null, 1e300, "abc", 2 ** 53, { x: 1 }, []]) {
      socket.emit("$stream:item", bad, 1, 2, 3);
      socket.emit("$stream:credit", bad, 5);
      socket.emit("$stream:end", bad);
      socket.emit("$stream:cancel", bad);
    }
    socket.emit("$stream:item", 999, 1);
    socket.emit("$stream:credit", id, 16);
    for (let i = 0; i < 1000; i++) socket.emit("$stream:credit", id, i % 2 ? 2147483647 : 1e300);
    socket.emit("$stream:credit", id, -5);
    socket.emit("$stream:credit", id, "NaN");
    socket.emit("$stream:credit", id);
    print({ type: "flooded", id, produced: await socket.emitWithAck("produced") });
    await waitForTest("credit checked");

    // A stream argument given items before any credit: overflow, cancelled.
    const sum = socket.timeout(3000).emitWithAck("sum", 77);
    socket.emit("$stream:item", 77, ...Array(20).fill(1));
    try { print({ type: "overflow-answered", reply: await sum }); } catch (e) { print({ type: "overflow-unanswered", message: e.message }); }

    // 10,000 opens: at most MaxStreams are open, the rest refused with stream_limit.
    const replies = await Promise.all(Array.from({ length: 10000 }, () => socket.timeout(20000).emitWithAck("endless")));
    const refused = replies.filter((r) => r?.error?.code === "stream_limit").length;
    print({ type: "opened", ids: replies.length - refused, refused, cancels: cancels.filter((c) => c === 999 || c === -1 || c === 77) });
    await waitForTest("counts checked");
    print({ type: "alive", produced: await socket.timeout(5000).emitWithAck("produced") });
    await waitForTest("alive checked"); // the test reads the server's state before this client leaves
  },
};

socket.on("connect_error", (e) => { process.stderr.write(`connect_error: ${e.message}\n`); process.exit(1); });
socket.once("connect", async () => {
  print({ type: "connected", id: socket.id });
  await scenarios[scenario]();
  print({ type: "done" });
  socket.disconnect();
  process.exit(0);
});
