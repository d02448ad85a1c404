// Prints the exact bytes socket.io-msgpack-parser writes for the packets of the .NET codec table
// (tests/TypedSockets.Protocol.Tests/MessagePack/MessagePackWireTable.cs), as JSON { name: hex }.
// Packets are built with the keys in the order socket.io 4.8 / socket.io-client 4.8 create them.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Encoder } = require("socket.io-msgpack-parser");

const encoder = new Encoder();
const hex = (packet) => {
  const [buffer] = encoder.encode(packet);
  return Buffer.from(buffer).toString("hex");
};

// Server side (socket.io): emit {type, data, [id], nsp}; ack {id, type, data, nsp}; connect {type, data, nsp};
// middleware error {type, data, nsp}; unknown namespace {type, nsp, data}; disconnect {type, nsp}.
// Client side (socket.io-client): emit {type, data, options, [id], nsp}; ack {type, id, data, nsp}; connect {type, data, nsp}.
const ints = [0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649];
const table = {
  "event in the main namespace": { type: 2, data: ["foo"], nsp: "/" },
  "event in a custom namespace": { type: 2, data: ["bar"], nsp: "/admin" },
  "event with an ack id": { type: 2, data: ["foo"], id: 12, nsp: "/" },
  "event with arguments": { type: 2, data: ["message", 1, "2", { 3: [true] }], nsp: "/" },
  "event with namespace, ack id, null and false": { type: 2, data: ["bar", null, false], id: 13, nsp: "/admin" },
  "integers in their smallest form": { type: 2, data: ["n", ...ints], nsp: "/" },
  "non-integers as float64": { type: 2, data: ["f", 1.5, -0.25], nsp: "/" },
  "whole numbers as integers": { type: 2, data: ["w", 2, -3, 4294967296, 0], nsp: "/" },
  "strings of 31, 32 and 300 bytes": { type: 2, data: ["s", "a".repeat(31), "b".repeat(32), "c".repeat(300)], nsp: "/" },
  "non-ascii text": { type: 2, data: ["msg", "héllo 😀"], nsp: "/" },
  "binary inline": { type: 2, data: ["baz", Buffer.from([1, 2, 3])], nsp: "/" },
  "binary in a namespace with an ack id": { type: 2, data: ["x", Buffer.from([]), Buffer.alloc(300, 7)], id: 7, nsp: "/admin" },
  "date as ext 0 milliseconds": { type: 2, data: ["d", new Date(1700000000123)], nsp: "/" },
  "date as an ISO 8601 string": { type: 2, data: ["d", new Date(1700000000123).toISOString()], nsp: "/" },
  "ack in a namespace": { id: 13, type: 3, data: ["bar"], nsp: "/admin" },
  "ack without arguments": { id: 0, type: 3, data: [], nsp: "/" },
  "binary ack": { id: 15, type: 3, data: [Buffer.from([4, 5, 6])], nsp: "/" },
  "connect reply without pid": { type: 0, data: { sid: "abc", pid: undefined }, nsp: "/" },
  "connect reply with pid": { type: 0, data: { sid: "abc", pid: "p1" }, nsp: "/admin" },
  "connect error with data": { type: 4, data: { message: "not authorized", data: { code: 42 } }, nsp: "/" },
  "connect error without data": { type: 4, data: { message: "nope", data: undefined }, nsp: "/" },
  "unknown namespace": { type: 4, nsp: "/random", data: { message: "Invalid namespace" } },
  "disconnect": { type: 1, nsp: "/" },
  "disconnect from a namespace": { type: 1, nsp: "/admin" },
  "client connect without auth": { type: 0, data: undefined, nsp: "/" },
  "client connect with auth": { type: 0, data: { token: "abc" }, nsp: "/admin" },
  "client connect with recovery fields": { type: 0, data: { pid: "p1", offset: "o9", token: "t" }, nsp: "/" },
  "client event": { type: 2, data: ["foo", 1], options: { compress: true }, nsp: "/" },
  "client event with an ack id": { type: 2, data: ["foo"], options: { compress: true }, id: 3, nsp: "/admin" },
  "client ack": { type: 3, id: 4, data: ["x"], nsp: "/" },
  "browser binary as ArrayBuffer": { type: 2, data: ["bin", new Uint8Array([1, 2, 3]).buffer], options: { compress: true }, nsp: "/" },
  "undefined inside an argument": { type: 2, data: ["u", { a: 1, b: undefined }, undefined], nsp: "/" },
};

const out = {};
for (const [name, packet] of Object.entries(table)) {
  out[name] = hex(packet);
}
process.stdout.write(JSON.stringify(out, null, 2) + "\n");
