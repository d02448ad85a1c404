// Turns received values into plain JSON the .NET side can assert on: Buffer/ArrayBuffer -> {bin: hex},
// Date -> {date: ms}, undefined -> {undefined: true}.
export function describe(value) {
  if (value === undefined) return { undefined: true };
  if (value === null || typeof value !== "object") return value;
  if (Buffer.isBuffer(value)) return { bin: value.toString("hex") };
  if (value instanceof ArrayBuffer) return { bin: Buffer.from(value).toString("hex") };
  if (value instanceof Date) return { date: value.getTime() };
  if (Array.isArray(value)) return value.map(describe);
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = describe(v);
  return out;
}
