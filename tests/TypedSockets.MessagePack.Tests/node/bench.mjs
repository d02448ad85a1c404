// Times the JS parsers on the payload shapes of tests/TypedSockets.Protocol.Benchmarks (Payloads.cs):
// socket.io-parser (JSON) and socket.io-msgpack-parser, encode and decode, plus the wire size.
// Usage: node bench.mjs  (prints a markdown table)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const json = require("socket.io-parser");
const msgpack = require("socket.io-msgpack-parser");

const shapes = {
  small: ["alice", 42],
  object: [{ room: "general", user: "alice", text: "hello there, how is everyone doing today?", sentAt: new Date(1700000000123) }],
  list: [Array.from({ length: 50 }, (_, i) => ({ id: i, name: "player-" + i, value: i * 1.25 }))],
  binary: ["a.bin", Buffer.from(Array.from({ length: 16 * 1024 }, (_, i) => i % 251))],
};

function time(fn) {
  for (let i = 0; i < 5000; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < 1_000_000_000n) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  return Number(elapsed) / n;
}

const rows = [];
for (const [shape, args] of Object.entries(shapes)) {
  for (const [name, parser] of [["json", json], ["msgpack", msgpack]]) {
    const packet = () => ({ type: 2, data: ["event", ...args], nsp: "/" });
    const encoder = new parser.Encoder();
    const encoded = encoder.encode(packet());
    const size = encoded.reduce((sum, part) => sum + (typeof part === "string" ? Buffer.byteLength(part) : part.byteLength), 0);
    const encode = time(() => encoder.encode(packet()));
    const decode = time(() => {
      const decoder = new parser.Decoder();
      let result;
      decoder.on("decoded", (p) => { result = p; });
      for (const part of encoded) decoder.add(part);
      return result;
    });
    rows.push(`| ${shape} | ${name} | ${encode.toFixed(0)} ns | ${decode.toFixed(0)} ns | ${size} (${encoded.length}) |`);
  }
}

const version = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version;
console.log(`Node ${process.version}, socket.io-parser ${version("socket.io-parser")}, socket.io-msgpack-parser ${version("socket.io-msgpack-parser")}`);
console.log("| Shape | Parser | Encode | Decode | Wire bytes (messages) |");
console.log("|-------|--------|-------:|-------:|----------------------:|");
for (const row of rows) console.log(row);
