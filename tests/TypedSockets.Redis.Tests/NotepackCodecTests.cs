using System.Text.Json;
using TypedSockets.Redis.Serialization;

namespace TypedSockets.Redis.Tests;

/// <summary>
/// The msgpack codec against the bytes npm notepack.io 3 writes (node/notepack-table.mjs): our writer produces the same
/// bytes for the same JS value, and our reader reads them back to values that write those bytes again.
/// </summary>
public sealed class NotepackCodecTests
{
    private static readonly Lazy<Task<Dictionary<string, string>>> s_table = new(async () =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(await NodePeer.RunScriptAsync("notepack-table.mjs", TimeSpan.FromSeconds(60)))!);

    /// <summary>The same values as the script's table, as CLR values.</summary>
    public static TheoryData<string, object?> Values() => new()
    {
        { "zero", 0L },
        { "negativeZero", -0.0 },
        { "fixint", 127L },
        { "uint8", 128L },
        { "uint16", 256L },
        { "uint32", 65536L },
        { "uint64", 4294967296L },
        { "maxSafe", 9007199254740991L },
        { "negFixint", -32L },
        { "int8", -33L },
        { "int16", -129L },
        { "int32", -32769L },
        { "int64", -2147483649L },
        { "float", 1.5 },
        { "integralDouble", 3.0 },
        { "nan", double.NaN },
        { "infinity", double.PositiveInfinity },
        { "str0", "" },
        { "str31", new string('a', 31) },
        { "str32", new string('a', 32) },
        { "str256", new string('a', 256) },
        { "str65536", new string('a', 65536) },
        { "unicode", "héllo €𝄞" },
        { "nil", null },
        { "yes", true },
        { "no", false },
        { "bin0", Array.Empty<byte>() },
        { "bin255", Enumerable.Repeat((byte)7, 255).ToArray() },
        { "bin256", Enumerable.Repeat((byte)7, 256).ToArray() },
        { "bin65536", Enumerable.Repeat((byte)7, 65536).ToArray() },
        { "array15", Enumerable.Range(0, 15).Select(i => (object?)(long)i).ToList() },
        { "array16", Enumerable.Range(0, 16).Select(i => (object?)(long)i).ToList() },
        { "map15", Enumerable.Range(0, 15).ToDictionary(i => "k" + i, i => (object?)(long)i) },
        { "map16", Enumerable.Range(0, 16).ToDictionary(i => "k" + i, i => (object?)(long)i) },
        {
            "nested", new Dictionary<string, object?>
            {
                ["a"] = new List<object?> { 1L, "b", new Dictionary<string, object?> { ["c"] = null } },
                ["d"] = new byte[] { 1, 2, 3 },
            }
        },
        {
            "packet", new List<object?>
            {
                "abc123",
                new Dictionary<string, object?> { ["type"] = 2L, ["data"] = new List<object?> { "hello", "world", new Dictionary<string, object?> { ["n"] = 1L } }, ["nsp"] = "/" },
                new Dictionary<string, object?> { ["rooms"] = new List<object?> { "r1" }, ["except"] = new List<object?>(), ["flags"] = new Dictionary<string, object?>() },
            }
        },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task WriterProducesNotepackBytes(string name, object? value)
    {
        var expected = (await s_table.Value)[name];
        Assert.Equal(expected, Convert.ToHexStringLower(NotepackWriter.Encode(value)));
    }

    [Theory]
    [MemberData(nameof(Values))]
    public async Task ReaderReadsNotepackBytesBackToTheSameValue(string name, object? value)
    {
        var bytes = Convert.FromHexString((await s_table.Value)[name]);
        var decoded = NotepackReader.Decode(bytes);
        Assert.Equal(Convert.ToHexStringLower(bytes), Convert.ToHexStringLower(NotepackWriter.Encode(decoded)));
        if (value is byte[] binary)
        {
            Assert.Equal(binary, Assert.IsType<byte[]>(decoded));
        }
    }

    [Fact]
    public async Task ReaderReadsNotepackDatesAsUtcDateTimes()
    {
        var bytes = Convert.FromHexString((await s_table.Value)["date"]);
        Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(1700000000123), NotepackReader.Decode(bytes));
    }

    [Fact]
    public void ReaderReadsTheOldUndefinedExtensionAsNull() => Assert.Null(NotepackReader.Decode([0xd4, 0x00, 0x00]));

    [Theory]
    [InlineData("d9", "Truncated MessagePack value")]
    [InlineData("c1", "Invalid MessagePack type byte 0xc1")]
    [InlineData("9201", "Truncated MessagePack value")]
    [InlineData("0000", "Unexpected 1 byte(s) after the MessagePack value.")]
    public void ReaderRejectsMalformedInput(string hex, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => NotepackReader.Decode(Convert.FromHexString(hex)));
        Assert.StartsWith(message, error.Message);
    }

    // Found by tests/TypedSockets.Fuzz (corpus/regressions/redis-notepack): these threw ArgumentOutOfRangeException.
    [Theory]
    [InlineData("c70cff000000007fffffffffffffff")] // timestamp 96: seconds far beyond year 9999
    [InlineData("c70cff00000001000000407f306553")] // timestamp 96: seconds within AddSeconds' range, ticks not
    [InlineData("c70cff3b9aca000000000000000000")] // timestamp 96: 10^9 nanoseconds
    [InlineData("c70cff00000000fffffff1886e08ff")] // timestamp 96: before year 1
    public void ReaderRejectsTimestampsOutsideDateTime(string hex)
    {
        var error = Assert.Throws<InvalidDataException>(() => NotepackReader.Decode(Convert.FromHexString(hex)));
        Assert.StartsWith("Timestamp extension out of range", error.Message);
    }

    [Fact]
    public void ReaderReadsTheTimestampExtremesOfDateTime()
    {
        // 9999-12-31T23:59:59.9999999Z: 253402300799 s and 999999900 ns (timestamp 96).
        Assert.Equal(DateTime.MaxValue, NotepackReader.Decode(Convert.FromHexString("c70cff3b9ac99c0000003afff4417f")));
        Assert.Equal(DateTime.MinValue, NotepackReader.Decode(Convert.FromHexString("c70cff00000000fffffff1886e0900")));
    }

    [Fact]
    public void ReaderKeepsTheExactValueOfAUint64AboveTwoToThe53()
    {
        // Found by the fuzzer's round trip: a conditional of long and double made every uint64 a double.
        var value = NotepackReader.Decode(Convert.FromHexString("cf22ffffff7fffffff"));
        Assert.Equal(0x22ffffff7fffffffL, Assert.IsType<long>(value));
        Assert.Equal(18446744073709551615.0, Assert.IsType<double>(NotepackReader.Decode(Convert.FromHexString("cfffffffffffffffff"))));
    }

    [Fact]
    public void ApplicationObjectsBecomeTheJsValueClientsWouldSee()
    {
        var value = JsValues.FromClr(new { UserName = "ada", Avatar = new byte[] { 9, 8 }, Score = 2.5 }, Protocol.SocketIO.Json.JsonSocketIOParser.Default);
        var map = Assert.IsType<Dictionary<string, object?>>(value);
        Assert.Equal("ada", map["userName"]);
        Assert.Equal(new byte[] { 9, 8 }, map["avatar"]);
        Assert.Equal(2.5, map["score"]);
    }
}
