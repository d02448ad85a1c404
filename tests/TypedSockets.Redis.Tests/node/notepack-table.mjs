// Prints the notepack.io encoding of each JS value of the codec table tests, as {"name": hex}.
import notepack from "notepack.io";

const values = {
  zero: 0,
  negativeZero: -0,
  fixint: 127,
  uint8: 128,
  uint16: 256,
  uint32: 65536,
  uint64: 4294967296,
  maxSafe: Number.MAX_SAFE_INTEGER,
  negFixint: -32,
  int8: -33,
  int16: -129,
  int32: -32769,
  int64: -2147483649,
  float: 1.5,
  integralDouble: 3.0,
  nan: NaN,
  infinity: Infinity,
  str0: "",
  str31: "a".repeat(31),
  str32: "a".repeat(32),
  str256: "a".repeat(256),
  str65536: "a".repeat(65536),
  unicode: "héllo €𝄞",
  nil: null,
  yes: true,
  no: false,
  bin0: Buffer.alloc(0),
  bin255: Buffer.alloc(255, 7),
  bin256: Buffer.alloc(256, 7),
  bin65536: Buffer.alloc(65536, 7),
  array15: Array.from({ length: 15 }, (_, i) => i),
  array16: Array.from({ length: 16 }, (_, i) => i),
  map15: Object.fromEntries(Array.from({ length: 15 }, (_, i) => ["k" + i, i])),
  map16: Object.fromEntries(Array.from({ length: 16 }, (_, i) => ["k" + i, i])),
  nested: { a: [1, "b", { c: null }], d: Buffer.from([1, 2, 3]) },
  packet: ["abc123", { type: 2, data: ["hello", "world", { n: 1 }], nsp: "/" }, { rooms: ["r1"], except: [], flags: {} }],
  date: new Date(1700000000123),
};

const result = {};
for (const [name, value] of Object.entries(values)) {
  result[name] = notepack.encode(value).toString("hex");
}
process.stdout.write(JSON.stringify(result));
