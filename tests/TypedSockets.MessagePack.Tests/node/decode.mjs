// Decodes packets with socket.io-msgpack-parser's Decoder (its checks included).
// Usage: node decode.mjs <hex>... ; prints a JSON array with, per packet, {packet} or {error}.
import { createRequire } from "node:module";
import { describe } from "./describe.mjs";

const require = createRequire(import.meta.url);
const { Decoder } = require("socket.io-msgpack-parser");

const out = process.argv.slice(2).map((hex) => {
  const decoder = new Decoder();
  let packet;
  decoder.on("decoded", (p) => { packet = p; });
  try {
    decoder.add(Buffer.from(hex, "hex"));
    return { packet: describe(packet) };
  } catch (e) {
    return { error: e.message };
  }
});
process.stdout.write(JSON.stringify(out) + "\n");
