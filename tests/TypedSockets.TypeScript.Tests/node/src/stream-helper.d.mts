// Types of docs/streaming.md's socket.io-client helper (tests/TypedSockets.Interop.Tests/node/stream-helper.mjs, copied
// next to the compiled fixture by the test). The generated typedStreams<S>() gives its result the contract's types.

export function useStreams(socket: object): {
    consume(event: string, ...args: unknown[]): AsyncGenerator<unknown, void, undefined>;
    produce(items: AsyncIterable<unknown> | Iterable<unknown>): number;
};
