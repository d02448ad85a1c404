// Drives the official npm socket.io-client against a server and reports what it sees.
//
//   node client.mjs <scenario> <url> [--transport polling|websocket|default] [--opts <json>]
//                   [--auth <json>] [--nsp <namespace>] [--count <n>] [--timeout <ms>]
//
// Scenarios (which sockets are opened; every socket is named so observations can be told apart):
//   single      one socket "c0" on "/" or --nsp (auth from --auth)
//   namespaces  one Manager with the sockets "main" on "/", "admin" on "/admin" and "unknown" on "/unknown"
//   many        --count sockets "c0".."c<n-1>" on "/", each with its own Manager and auth {"name": "c<i>"}
//
// stdout: one JSON object per line, one per observation:
//   {"type":"started","clients":[...]}
//   {"type":"connect","client","id","transport","recovered"}      {"type":"connect_error","client","message","data","description"}
//   {"type":"disconnect","client","reason","description"}         {"type":"upgrade","client","transport"}
//   {"type":"reconnect_attempt","client","attempt"}                {"type":"reconnect","client","attempt"}
//   {"type":"event","client","event","args","ack"}  (an event with an ack is answered by {"client","event","args"})
//   {"type":"ack","client","seq","args"}            {"type":"ack_error","client","seq","message"}
//   {"type":"exiting","reason"}
// Binary values are written as {"$bin":"<base64>","$type":"Buffer|ArrayBuffer|..."}.
//
// stdin: one JSON command per line:
//   {"op":"emit","client","event","args","ack":bool,"allArgs":bool,"seq":n,"timeout":ms}   (args may hold {"$bin":"<base64>"})
//   With "ack", emitWithAck reports the first argument of the reply; with "allArgs" too, the callback form reports all.
//   {"op":"disconnect","client"}   {"op":"connect","client"}   {"op":"close-engine","client"}   {"op":"exit"}
// The process exits 0 on "exit" or when stdin closes, 2 when --timeout (default 30 s) expires, 1 on an error.
import { io, Manager } from "socket.io-client";

const [scenario, url, ...rest] = process.argv.slice(2);
const flags = parseFlags(rest);
const timeoutMs = Number(flags.timeout ?? 30000);
const sockets = new Map();

if (!scenario || !url) {
  fail("usage: node client.mjs <scenario> <url> [--transport polling|websocket|default] [--opts json] [--auth json] [--nsp name] [--count n] [--timeout ms]");
}

process.on("uncaughtException", (e) => fail(`uncaught exception: ${e?.stack ?? e}`));
process.on("unhandledRejection", (e) => fail(`unhandled rejection: ${e?.stack ?? e}`));
setTimeout(() => {
  emit({ type: "exiting", reason: "timeout" });
  process.stderr.write(`client.mjs: scenario "${scenario}" still running after ${timeoutMs} ms\n`);
  process.exit(2);
}, timeoutMs).unref();

const managerOptions = {
  ...transportOptions(flags.transport ?? "default"),
  ...(flags.opts ? JSON.parse(flags.opts) : {}),
};

switch (scenario) {
  case "single":
    open("c0", io(new URL(flags.nsp ?? "/", url).href, { ...managerOptions, forceNew: true, auth: flags.auth ? JSON.parse(flags.auth) : undefined }));
    break;
  case "namespaces": {
    const manager = new Manager(url, managerOptions);
    open("main", manager.socket("/"));
    open("admin", manager.socket("/admin"));
    open("unknown", manager.socket("/unknown"));
    break;
  }
  case "many": {
    const count = Number(flags.count ?? 10);
    for (let i = 0; i < count; i++) {
      open(`c${i}`, io(url, { ...managerOptions, forceNew: true, auth: { name: `c${i}` } }));
    }
    break;
  }
  default:
    fail(`unknown scenario "${scenario}"`);
}

emit({ type: "started", clients: [...sockets.keys()] });
readCommands();

// ---- Sockets ---------------------------------------------------------------------------------------------------

function open(name, socket) {
  sockets.set(name, socket);
  const manager = socket.io;
  socket.on("connect", () =>
    emit({ type: "connect", client: name, id: socket.id, transport: manager.engine?.transport?.name ?? null, recovered: socket.recovered }));
  socket.on("connect_error", (err) =>
    emit({ type: "connect_error", client: name, message: err.message, data: encode(err.data), description: encode(err.description ?? null) }));
  socket.on("disconnect", (reason, description) =>
    emit({ type: "disconnect", client: name, reason, description: describe(description) }));
  socket.onAny((event, ...args) => {
    const callback = typeof args[args.length - 1] === "function" ? args.pop() : null;
    emit({ type: "event", client: name, event, args: encode(args), ack: callback !== null });
    callback?.({ client: name, event, args });
  });

  // Manager events are reported once per manager, under the name of its first socket.
  if (!manager.__interopName) {
    manager.__interopName = name;
    manager.on("open", () => manager.engine.on("upgrade", (t) => emit({ type: "upgrade", client: name, transport: t.name })));
    manager.on("reconnect_attempt", (attempt) => emit({ type: "reconnect_attempt", client: name, attempt }));
    manager.on("reconnect", (attempt) => emit({ type: "reconnect", client: name, attempt }));
  }
}

function transportOptions(transport) {
  switch (transport) {
    case "polling": return { transports: ["polling"] };
    case "websocket": return { transports: ["websocket"] };
    case "default": return {};
    default: fail(`unknown transport "${transport}"`);
  }
}

// ---- Commands --------------------------------------------------------------------------------------------------

function readCommands() {
  let pending = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) {
        run(JSON.parse(line));
      }
    }
  });
  process.stdin.on("end", () => exit("stdin closed"));
}

function run(command) {
  const socket = command.client === undefined ? null : sockets.get(command.client);
  if (command.client !== undefined && !socket) {
    fail(`command for unknown client "${command.client}": ${JSON.stringify(command)}`);
  }

  switch (command.op) {
    case "emit": {
      const args = decode(command.args ?? []);
      if (!command.ack) {
        socket.emit(command.event, ...args);
        break;
      }

      const timed = socket.timeout(command.timeout ?? 5000);
      if (command.allArgs) {
        // The callback form sees every argument of the acknowledgement (emitWithAck resolves with the first only).
        timed.emit(command.event, ...args, (err, ...reply) => err
          ? emit({ type: "ack_error", client: command.client, seq: command.seq, message: err.message })
          : emit({ type: "ack", client: command.client, seq: command.seq, args: encode(reply) }));
        break;
      }

      timed.emitWithAck(command.event, ...args).then(
        (reply) => emit({ type: "ack", client: command.client, seq: command.seq, args: encode([reply]) }),
        (err) => emit({ type: "ack_error", client: command.client, seq: command.seq, message: err.message }));
      break;
    }
    case "disconnect":
      socket.disconnect();
      break;
    case "connect":
      socket.connect();
      break;
    case "close-engine":
      // Drops the Engine.IO connection under the socket, as a network failure would: the Manager reconnects.
      socket.io.engine.close();
      break;
    case "exit":
      exit("exit command");
      break;
    default:
      fail(`unknown command: ${JSON.stringify(command)}`);
  }
}

function exit(reason) {
  for (const socket of sockets.values()) {
    socket.disconnect();
  }

  emit({ type: "exiting", reason });
  process.exit(0);
}

// ---- Output ----------------------------------------------------------------------------------------------------

function emit(observation) {
  process.stdout.write(JSON.stringify(observation) + "\n");
}

function fail(message) {
  process.stderr.write(`client.mjs: ${message}\n`);
  process.exit(1);
}

function describe(description) {
  if (!description) return null;
  return { message: description.message ?? null, description: String(description.description ?? description.context ?? "") };
}

/** Copies a value for JSON, replacing every binary value by {"$bin": base64, "$type": its JS type}. */
function encode(value) {
  if (value === undefined) return null;
  if (Buffer.isBuffer(value)) return { $bin: value.toString("base64"), $type: "Buffer" };
  if (value instanceof ArrayBuffer) return { $bin: Buffer.from(value).toString("base64"), $type: "ArrayBuffer" };
  if (ArrayBuffer.isView(value)) {
    return { $bin: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"), $type: value.constructor.name };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

/** The inverse of encode for command arguments: {"$bin": base64} becomes a Buffer. */
function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === "object") {
    if (typeof value.$bin === "string") return Buffer.from(value.$bin, "base64");
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

function parseFlags(args) {
  const result = {};
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith("--") || i + 1 >= args.length) {
      fail(`bad argument "${args[i]}"`);
    }
    result[args[i].slice(2)] = args[++i];
  }
  return result;
}
