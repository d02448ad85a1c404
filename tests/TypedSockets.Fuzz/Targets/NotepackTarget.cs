using TypedSockets.Redis.Serialization;

namespace TypedSockets.Fuzz.Targets;

/// <summary>
/// The Redis adapter's <c>NotepackReader</c> (what a Node or .NET peer publishes). Contract: a JS value or
/// <see cref="InvalidDataException"/>. Round trip: the value, written with <c>NotepackWriter</c>, reads back to a value
/// that writes the same bytes.
/// </summary>
public sealed class NotepackTarget : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => "redis-notepack";

    /// <inheritdoc/>
    public override string Description => "TypedSockets.Redis NotepackReader.Decode (cluster messages)";

    /// <inheritdoc/>
    public override IReadOnlyList<byte[]> Seeds { get; } = CreateSeeds();

    /// <inheritdoc/>
    public override IReadOnlyList<byte[]> Tokens { get; } =
    [
        [0xc0], [0xc2], [0xc3], [0x90], [0x91], [0x80], [0x81], [0xa1, 0x61], [0xdc, 0x00, 0x10], [0xdd, 0xff, 0xff, 0xff, 0xff],
        [0xdf, 0x7f, 0xff, 0xff, 0xff], [0xdb, 0x80, 0x00, 0x00, 0x00], [0xc4, 0x03, 1, 2, 3], [0xd4, 0x00, 0x00], [0xd6, 0xff, 0, 0, 0, 1],
        [0xd7, 0xff, 0, 0, 0, 0, 0, 0, 0, 1], [0xc7, 0x0c, 0xff, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0],
        [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], [0xc1], [0xe0], [0x7f],
    ];

    /// <inheritdoc/>
    public override string Execute(byte[] input)
    {
        object? value;
        try
        {
            value = NotepackReader.Decode(input);
        }
        catch (InvalidDataException e)
        {
            return Rejected(e);
        }

        // The adapter re-emits what it read with the JSON parser: that must always work.
        using (var json = new System.Text.Json.Utf8JsonWriter(new System.Buffers.ArrayBufferWriter<byte>()))
        {
            JsValues.WriteJson(json, value, TypedSockets.Protocol.SocketIO.Json.JsonSocketIOParser.Default);
        }

        if (ContainsDate(value))
        {
            // A timestamp reads as DateTime, which NotepackWriter does not take (the adapter never writes one back).
            return "ok:date";
        }

        var first = NotepackWriter.Encode(value);
        object? again;
        try
        {
            again = NotepackReader.Decode(first);
        }
        catch (InvalidDataException e)
        {
            throw new FuzzPropertyException($"what the writer wrote reads back: {e.Message}");
        }

        var second = NotepackWriter.Encode(again);
        Check(second.AsSpan().SequenceEqual(first), $"round trip writes the same bytes ({Convert.ToHexString(first)} then {Convert.ToHexString(second)})");
        return "ok:" + (value?.GetType().Name ?? "null");
    }

    private static bool ContainsDate(object? value) => value switch
    {
        DateTime => true,
        List<object?> list => list.Exists(ContainsDate),
        Dictionary<string, object?> map => map.Values.Any(ContainsDate),
        _ => false,
    };

    private static byte[][] CreateSeeds()
    {
        // The values of tests/TypedSockets.Redis.Tests/NotepackCodecTests.cs, and the shapes of the adapter's messages.
        var values = new object?[]
        {
            0L, -0.0, 127L, 128L, 256L, 65536L, 4294967296L, 9007199254740991L, -32L, -33L, -129L, -32769L, -2147483649L, 1.5, 3.0,
            double.NaN, double.PositiveInfinity, "", new string('a', 31), new string('a', 32), new string('a', 256), "héllo €𝄞", null, true, false,
            Array.Empty<byte>(), Enumerable.Repeat((byte)7, 255).ToArray(), Enumerable.Range(0, 16).Select(i => (object?)(long)i).ToList(),
            Enumerable.Range(0, 16).ToDictionary(i => "k" + i, i => (object?)(long)i),
            new Dictionary<string, object?> { ["a"] = new List<object?> { 1L, "b", new Dictionary<string, object?> { ["c"] = null } }, ["d"] = new byte[] { 1, 2, 3 } },
            new List<object?>
            {
                "uid", new Dictionary<string, object?> { ["type"] = 2L, ["data"] = new List<object?> { "event", 1L, new byte[] { 1 } }, ["nsp"] = "/" },
                new Dictionary<string, object?> { ["rooms"] = new List<object?> { "r1" }, ["except"] = new List<object?>(), ["flags"] = new Dictionary<string, object?> { ["volatile"] = true } },
            },
        };
        var seeds = values.Select(NotepackWriter.Encode).ToList();

        // Extensions notepack.io and @msgpack/msgpack write: undefined, a JS Date (ext 0), timestamps 32/64/96.
        seeds.Add([0xd4, 0x00, 0x00]);
        seeds.Add([0xd7, 0x00, 0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b]);
        seeds.Add([0xd6, 0xff, 0x65, 0x53, 0xf1, 0x00]);
        seeds.Add([0xd7, 0xff, 0x00, 0x00, 0x00, 0x04, 0x65, 0x53, 0xf1, 0x00]);
        seeds.Add([0xc7, 0x0c, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x65, 0x53, 0xf1, 0x00]);
        return [.. seeds];
    }
}
