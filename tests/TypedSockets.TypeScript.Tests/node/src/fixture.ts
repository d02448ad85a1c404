// Uses the TypeScript generated from Contracts/MappingContracts.cs the way a page would. `tsc --noEmit` over this file
// must pass: each `@ts-expect-error` line is a misuse that must NOT compile (an unused one is an error itself). Run with
// Node (after tsc), it connects to the typed hub of the test and checks that every payload it receives has exactly the
// declared property names and value kinds.
import { io } from "socket.io-client";
import { isSocketError, typedStreams } from "./contracts.js";
import type { Circle, Color, Everything, Item, MappingServerStreams, MappingSocket, Page, Point, Status, TypedStreams } from "./contracts.js";
import { useStreams } from "./stream-helper.mjs";

declare const process: { argv: string[]; exit(code: number): never };

// ---- Shapes: written against the generated types, so tsc checks them too --------------------------------------------

type Kind = "string" | "number" | "boolean" | "binary" | "array" | "object" | "unknown";
type KindOf<T> =
    [T] extends [string] ? "string"
    : [T] extends [number] ? "number"
    : [T] extends [boolean] ? "boolean"
    : [T] extends [ArrayBuffer | ArrayBufferView] ? "binary"
    : [T] extends [readonly unknown[]] ? "array"
    : unknown extends T ? "unknown"
    : [T] extends [object] ? "object"
    : never;
interface Spec<V> {
    kind: unknown extends V ? "unknown" : KindOf<NonNullable<V>>;
    nullable: null extends V ? true : false;
    optional: undefined extends V ? true : false;
}
/** One spec per property: a missing or extra property, a wrong kind or nullability is a compile error. */
type Shape<T> = { [K in keyof T]-?: Spec<T[K]> };

const req = <K extends Kind>(kind: K) => ({ kind, nullable: false as const, optional: false as const });
const nul = <K extends Kind>(kind: K) => ({ kind, nullable: true as const, optional: false as const });

const anyValue = { kind: "unknown", nullable: true, optional: true } as const;

const itemShape: Shape<Item> = { id: req("number"), name: req("string") };
const pointShape: Shape<Point> = { x: req("number"), y: req("number") };
const circleShape: Shape<Circle> = { name: req("string"), radius: req("number") };
const pageShape: Shape<Page<Item>> = { items: req("array"), total: req("number"), first: nul("object") };
const everythingShape: Shape<Everything> = {
    text: req("string"), maybeText: nul("string"), letter: req("string"), flag: req("boolean"), count: req("number"),
    big: req("number"), ratio: req("number"), money: req("number"), small: req("number"), maybeCount: nul("number"),
    at: req("string"), when: req("string"), duration: req("string"), id: req("string"), color: req("number"),
    status: req("string"), maybeColor: nul("number"), numbers: req("array"), names: req("array"), items: req("array"),
    sparse: req("array"), scores: req("object"), byId: req("object"), blob: req("binary"), nested: req("object"),
    maybeNested: nul("object"), where: req("object"), anything: anyValue, raw: anyValue,
    custom_name: req("string"), onlyWhenSet: { kind: "string", nullable: true, optional: true },
};

function kindOf(value: unknown): Kind {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return "binary";
    if (Array.isArray(value)) return "array";
    const t = typeof value;
    return t === "string" || t === "number" || t === "boolean" ? t : "object";
}

const problems: string[] = [];

function check<T>(what: string, value: T, shape: Shape<T>): void {
    if (typeof value !== "object" || value === null) {
        problems.push(`${what}: not an object: ${JSON.stringify(value)}`);
        return;
    }
    const specs = shape as Record<string, { kind: Kind; nullable: boolean; optional: boolean }>;
    const received = value as Record<string, unknown>;
    for (const key of Object.keys(received)) {
        if (!(key in specs)) problems.push(`${what}: extra property '${key}'`);
    }
    for (const [key, spec] of Object.entries(specs)) {
        if (!(key in received)) {
            if (!spec.optional) problems.push(`${what}: missing property '${key}'`);
            continue;
        }
        const v = received[key];
        if (v === null) {
            if (!spec.nullable) problems.push(`${what}.${key}: null but not nullable`);
        } else if (spec.kind !== "unknown" && kindOf(v) !== spec.kind) {
            problems.push(`${what}.${key}: ${kindOf(v)} where ${spec.kind} was declared`);
        }
    }
}

function checkEverything(what: string, e: Everything): void {
    check(what, e, everythingShape);
    check(`${what}.nested`, e.nested, itemShape);
    check(`${what}.where`, e.where, pointShape);
    e.items.forEach((item, i) => check(`${what}.items[${i}]`, item, itemShape));
    Object.entries(e.byId).forEach(([key, item]) => check(`${what}.byId[${key}]`, item, itemShape));
}

// ---- Misuse that must not compile -------------------------------------------------------------------------------------

function misuse(socket: MappingSocket, e: Everything): void {
    // @ts-expect-error an event the contract does not have
    socket.emit("nope", 1);
    // @ts-expect-error a wrong argument type (number for string)
    socket.emit("note", 42);
    // @ts-expect-error a missing argument
    socket.emit("askConfirm", (ok: boolean) => void ok);
    // @ts-expect-error a wrong acknowledgement type (the ack of "items:page" is a Page<Item>)
    socket.emit("items:page", 0, null, (page: string) => void page);
    // @ts-expect-error the result of emitWithAck is typed
    const n: Promise<string> = socket.emitWithAck("upload", new Uint8Array(1), new Uint8Array(1));
    // @ts-expect-error a listener with the wrong payload type
    socket.on("snapshot", (value: string) => void value);
    // @ts-expect-error a server-to-client acknowledgement must be called back with a bool
    socket.on("confirm", (_question, callback) => callback("yes"));
    // @ts-expect-error a string enum takes only its names
    const s: Status = "OnHold";
    // @ts-expect-error a number enum takes only its values
    const c: Color = 1;
    // @ts-expect-error a property the DTO does not have
    const i: Item = { id: 1, name: "x", extra: true };
    // @ts-expect-error emitted without its callback, an acknowledged event still takes its arguments
    socket.emit("askConfirm");
    // @ts-expect-error emitted without its callback, an acknowledged event still checks their types
    socket.emit("items:page", "0");
    // @ts-expect-error an unacknowledged event has no callback
    socket.emit("note", "hello", 2, () => undefined);
    void n; void s; void c; void i; void e;
}
void misuse;

async function streamMisuse(socket: MappingSocket, streams: TypedStreams<MappingServerStreams>): Promise<void> {
    // @ts-expect-error a stream the contract does not have
    streams.consume("nope");
    // @ts-expect-error a wrong stream argument type (string for number)
    streams.consume("count", "10");
    // @ts-expect-error an event that is not a result stream
    streams.consume("note", "hello");
    for await (const item of streams.consume("count", 1)) {
        // @ts-expect-error the items are Item
        const text: string = item;
        void text;
    }
    // @ts-expect-error a stream argument of the wrong item type (string for number)
    await socket.emitWithAck("sum", "label", streams.produce(["a"]));
    // @ts-expect-error a plain number is not a stream argument
    socket.emit("sum", "label", 1);
    // @ts-expect-error a result stream is consumed, not emitted as an event
    socket.emit("count", 1);
}
void streamMisuse;

// An acknowledged event may be emitted without asking for the acknowledgement (a second emit overload); emitWithAck
// stays typed by the acknowledgement.
function withoutAck(socket: MappingSocket): Promise<boolean> {
    socket.emit("askConfirm", "sure?");
    socket.emit("items:page", 0, null).emit("items:page", 1, "x", (page: Page<Item>) => void page);
    return socket.emitWithAck("askConfirm", "again?");
}
void withoutAck;

// ---- Run against the hub ------------------------------------------------------------------------------------------------

async function main(url: string): Promise<void> {
    const socket: MappingSocket = io(url, { transports: ["websocket"], reconnection: false });
    const snapshot = new Promise<Everything>((resolve) => socket.on("snapshot", resolve));
    const derived = new Promise<Circle>((resolve) => socket.on("derived", resolve));
    const paged = new Promise<[Page<Item>, Color]>((resolve) => socket.on("page", (page, color) => resolve([page, color])));
    socket.on("confirm", (question, callback) => callback(question === "sure?"));
    await new Promise<void>((resolve, reject) => {
        socket.on("connect", () => resolve());
        socket.on("connect_error", reject);
    });

    const first = await snapshot;
    checkEverything("snapshot", first);
    check("derived", await derived, circleShape);
    const [page, color] = await paged;
    check("page", page, pageShape);
    if (typeof color !== "number") problems.push(`page color: ${typeof color}`);

    socket.emit("note", "hello");
    socket.emit("note", "hello", 2);
    const echoed = await socket.timeout(5000).emitWithAck("echo", first);
    if (isSocketError(echoed)) {
        problems.push(`echo failed: ${echoed.error.message}`);
    } else {
        checkEverything("echo", echoed);
    }

    const second = await socket.timeout(5000).emitWithAck("items:page", 1, "x");
    check("items:page", second, pageShape);
    const viaCallback = await new Promise<Page<Item>>((resolve) => socket.emit("items:page", 2, null, resolve));
    check("items:page callback", viaCallback, pageShape);

    const size = await socket.timeout(5000).emitWithAck("upload", new Uint8Array([1, 2, 3]), new Uint8Array([4]).buffer);
    if (size !== 4) problems.push(`upload: ${size} bytes, 4 sent`);

    const confirmed = await socket.timeout(5000).emitWithAck("askConfirm", "sure?");
    if (confirmed !== true) problems.push(`askConfirm: ${confirmed}`);

    const streams = typedStreams<MappingServerStreams>(useStreams(socket));
    let expected = 1;
    for await (const item of streams.consume("count", 100)) {
        check(`count[${expected}]`, item, itemShape);
        if (item.id !== expected) problems.push(`count: item ${item.id} where ${expected} was expected`);
        expected++;
    }
    if (expected !== 101) problems.push(`count: ${expected - 1} items, 100 asked`);
    const lines: string[] = [];
    for await (const line of streams.consume("lines", 3)) lines.push(line);
    if (lines.join(",") !== "line 0,line 1,line 2") problems.push(`lines: ${JSON.stringify(lines)}`);
    async function* numbers(): AsyncGenerator<number> {
        for (let i = 1; i <= 100; i++) yield i;
    }
    const sum = await socket.timeout(5000).emitWithAck("sum", "one to 100", streams.produce(numbers()));
    if (sum !== 5050) problems.push(`sum: ${sum}, 5050 expected`);

    socket.disconnect();
}

main(process.argv[2]!).then(
    () => {
        if (problems.length > 0) {
            console.error(problems.join("\n"));
            process.exit(1);
        }
        console.log("ok");
        process.exit(0);
    },
    (error: unknown) => {
        console.error(error);
        process.exit(2);
    });
