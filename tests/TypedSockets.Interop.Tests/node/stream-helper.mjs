// TypedSockets streams for socket.io-client 4.x (docs/streaming.md): consume a hub's result stream, produce a stream argument.
const WINDOW = 16; // items this side lets a producer have in flight per stream it consumes

export function useStreams(socket) {
  const consumers = new Map(); // id -> { items, done, error, wake }
  const producers = new Map(); // id -> { credit, window, cancelled, wake }
  let lastId = 0;
  const wake = (s) => { const w = s.wake; s.wake = null; w?.(); };
  const sleep = (s) => new Promise((resolve) => (s.wake = resolve));
  const failure = (e) => Object.assign(new Error(e.message), { code: e.code });
  socket.on("$stream:item", (id, ...items) => {
    const c = consumers.get(id);
    if (!c) return socket.emit("$stream:cancel", id);
    c.items.push(...items); wake(c);
  });
  socket.on("$stream:end", (id, err) => { const c = consumers.get(id); if (c) { c.done = true; c.error = err?.error; wake(c); } });
  socket.on("$stream:credit", (id, n) => {
    const p = producers.get(id);
    if (!p || !(n > 0)) return;
    p.window ||= Math.min(n, 65536); // the first grant is the consumer's window; never hold more credit than that
    p.credit = Math.min(p.credit + n, p.window); wake(p);
  });
  socket.on("$stream:cancel", (id) => { const p = producers.get(id); if (p) { p.cancelled = true; wake(p); } });
  socket.on("disconnect", () => {
    for (const c of consumers.values()) { c.done = true; c.error = { message: "disconnected", code: "disconnected" }; wake(c); }
    for (const p of producers.values()) { p.cancelled = true; wake(p); }
  });

  // for await (const tick of consume("ticks", "MSFT")) ...; breaking out of the loop cancels the hub's producer.
  async function* consume(event, ...args) {
    const id = await socket.emitWithAck(event, ...args);
    if (id?.error) throw failure(id.error);
    const c = { items: [], done: false, error: null, wake: null };
    consumers.set(id, c);
    let consumed = 0;
    socket.emit("$stream:credit", id, WINDOW);
    try {
      for (;;) {
        if (c.items.length) {
          yield c.items.shift();
          if (!c.done && ++consumed >= WINDOW / 2) { socket.emit("$stream:credit", id, consumed); consumed = 0; }
        } else if (c.done) {
          if (c.error) throw failure(c.error);
          return;
        } else {
          await sleep(c);
        }
      }
    } finally {
      consumers.delete(id);
      if (!c.done && socket.connected) socket.emit("$stream:cancel", id);
    }
  }

  // socket.emitWithAck("upload", produce(chunks())): the stream id goes in the argument's place. An item is taken
  // from the iterable only once the consumer granted credit for it, so a consumer that reads nothing stops it.
  function produce(iterable) {
    const id = ++lastId;
    const p = { credit: 0, window: 0, cancelled: false, wake: null };
    producers.set(id, p);
    (async () => {
      const it = (iterable[Symbol.asyncIterator] ?? iterable[Symbol.iterator]).call(iterable);
      try {
        for (;;) {
          while (p.credit === 0 && !p.cancelled) await sleep(p);
          if (p.cancelled) return void (await it.return?.());
          const next = await it.next();
          if (next.done) break;
          if (p.cancelled) return void (await it.return?.());
          p.credit--; socket.emit("$stream:item", id, next.value);
        }
        socket.emit("$stream:end", id);
      } catch (e) {
        if (!p.cancelled) socket.emit("$stream:end", id, { error: { message: String(e?.message ?? e), code: e?.code ?? "stream_error" } });
      } finally {
        producers.delete(id);
      }
    })();
    return id;
  }

  return { consume, produce };
}
