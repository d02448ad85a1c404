// Drives the conformance host's Socket.IO mode with socket.io-client 4.8 and the parser the host runs.
// Usage: node conformance-client.mjs <base url> <json|msgpack> ; prints one JSON object of what was received.
import { createRequire } from "node:module";
import { io } from "socket.io-client";
import { describe } from "./describe.mjs";

const require = createRequire(import.meta.url);
const [url, parserName] = process.argv.slice(2);
const parser = parserName === "msgpack" ? require("socket.io-msgpack-parser") : undefined;
const options = { forceNew: true, reconnection: false, ...(parser ? { parser } : {}) };
const once = (socket, event) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no '${event}'`)), 4000);
  socket.once(event, (...args) => { clearTimeout(timer); resolve(args); });
});

const results = {};
const main = io(url, { ...options, auth: { token: "123" } });
main.on("disconnect", (reason) => console.error("disconnected:", reason));
results.auth = describe(await once(main, "auth"));
const back = once(main, "message-back");
main.emit("message", 1, "2", { 3: [true] }, Buffer.from([1, 2, 3]));
results.messageBack = describe(await back);
results.ack = describe(await new Promise((resolve) => main.emit("message-with-ack", 1, "2", Buffer.from([4]), (...args) => resolve(args))));

const custom = io(url + "/custom", options);
results.customAuth = describe(await once(custom, "auth"));

const random = io(url + "/random", options);
results.random = (await once(random, "connect_error"))[0].message;

for (const s of [main, custom, random]) s.close();
process.stdout.write(JSON.stringify(results) + "\n");
process.exit(0);
