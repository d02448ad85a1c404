using System.Text.Json;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.MessagePack;
using TypedSockets.Protocol.Tests.MessagePack;

namespace TypedSockets.MessagePack.Tests;

/// <summary>Our codec against the npm one directly: its encoder wrote our table, its decoder accepts what we write.</summary>
public sealed class NpmCodecTests
{
    private static readonly MessagePackSocketIOParser Parser = MessagePackSocketIOParser.Default;

    [Fact]
    public async Task TheCodecTableIsWhatTheNpmEncoderWrites()
    {
        var result = await NodeRunner.RunAsync("codec-table.mjs", [], TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode == 0, result.ToString());
        var npm = JsonSerializer.Deserialize<Dictionary<string, string>>(result.StandardOutput)!;
        Assert.Equal(npm.Keys.Order(StringComparer.Ordinal), MessagePackWireTable.Hex.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, hex) in npm)
        {
            Assert.True(hex == MessagePackWireTable.Hex[name], $"{name}: npm writes {hex}, the table says {MessagePackWireTable.Hex[name]}");
        }
    }

    [Fact]
    public async Task TheNpmDecoderAcceptsEveryPacketWeWrite()
    {
        var date = DateTimeOffset.FromUnixTimeMilliseconds(1700000000123);
        var cases = new (EncodedPacket Packet, string Expected)[]
        {
            (Parser.EncodeEvent("/", "e", ["s", 1, -1, 1.5, true, null, new byte[] { 1, 2 }, date, new FileMessage { Name = "n", Content = [3], Sent = date, Tags = ["t"] }]),
                "{\"type\":2,\"data\":[\"e\",\"s\",1,-1,1.5,true,null,{\"bin\":\"0102\"},\"2023-11-14T22:13:20.123+00:00\",{\"name\":\"n\",\"content\":{\"bin\":\"03\"},\"sent\":\"2023-11-14T22:13:20.123+00:00\",\"tags\":[\"t\"]}],\"nsp\":\"/\"}"),
            // A float travels as the JSON parser writes it (its shortest text, 3.4028235E+38), as float64.
            (Parser.EncodeEvent("/admin", "e", [long.MaxValue / 1024, float.MaxValue], ackId: 9007199254740991),
                "{\"type\":2,\"data\":[\"e\",9007199254740991,3.4028235e+38],\"id\":9007199254740991,\"nsp\":\"/admin\"}"),
            // Integers beyond 2^53 lose precision in a JS number (docs/wire-format.md).
            (Parser.EncodeEvent("/", "big", [new { Id = 9007199254740993L, Max = long.MaxValue, At = date.UtcDateTime }]),
                "{\"type\":2,\"data\":[\"big\",{\"id\":9007199254740992,\"max\":9223372036854776000,\"at\":\"2023-11-14T22:13:20.123Z\"}],\"nsp\":\"/\"}"),
            (Parser.EncodeAck("/", 0, []), "{\"id\":0,\"type\":3,\"data\":[],\"nsp\":\"/\"}"),
            (Parser.EncodeAck("/x", 5, [new Dictionary<string, object?> { ["k"] = new object?[] { null, "v" } }]), "{\"id\":5,\"type\":3,\"data\":[{\"k\":[null,\"v\"]}],\"nsp\":\"/x\"}"),
            (Parser.EncodeConnect("/", "sid1", null), "{\"type\":0,\"data\":{\"sid\":\"sid1\",\"pid\":{\"undefined\":true}},\"nsp\":\"/\"}"),
            (Parser.EncodeConnect("/", "sid1", "pid1"), "{\"type\":0,\"data\":{\"sid\":\"sid1\",\"pid\":\"pid1\"},\"nsp\":\"/\"}"),
            (Parser.EncodeClientConnect("/", null), "{\"type\":0,\"data\":{\"undefined\":true},\"nsp\":\"/\"}"),
            (Parser.EncodeClientConnect("/a", new Dictionary<string, string> { ["token"] = "t" }), "{\"type\":0,\"data\":{\"token\":\"t\"},\"nsp\":\"/a\"}"),
            (Parser.EncodeConnectError("/", "nope", null), "{\"type\":4,\"data\":{\"message\":\"nope\"},\"nsp\":\"/\"}"),
            (Parser.EncodeConnectError("/", "nope", new Dictionary<string, int> { ["code"] = 1 }), "{\"type\":4,\"data\":{\"message\":\"nope\",\"data\":{\"code\":1}},\"nsp\":\"/\"}"),
            (Parser.EncodeDisconnect("/admin"), "{\"type\":1,\"nsp\":\"/admin\"}"),
        };

        var result = await NodeRunner.RunAsync("decode.mjs", [.. cases.Select(c => Convert.ToHexString(c.Packet.Payload.Span))], TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode == 0, result.ToString());
        var decoded = JsonDocument.Parse(result.StandardOutput).RootElement;
        Assert.Equal(cases.Length, decoded.GetArrayLength());
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.True(decoded[i].TryGetProperty("packet", out var packet), $"case {i}: {decoded[i].GetRawText()}");
            Assert.Equal(cases[i].Expected, packet.GetRawText());
        }
    }

    [Fact]
    public async Task TheNpmDecoderRejectsWhatWeRejectForTheSameReason()
    {
        // Invalid packets both decoders refuse with the same message.
        var hexes = new[]
        {
            "83a47479706505a46461746191a3666f6fa36e7370a12f", // type 5
            "82a47479706502a46461746191a3666f6f", // no nsp
            "83a47479706502a46461746180a36e7370a12f", // event data as a map
            "84a26964a131a47479706503a46461746190a36e7370a12f", // ack id as a string
            "82a47479706501a36e7370a12f0000", // trailing bytes
        };
        var result = await NodeRunner.RunAsync("decode.mjs", hexes, TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode == 0, result.ToString());
        var decoded = JsonDocument.Parse(result.StandardOutput).RootElement;
        for (var i = 0; i < hexes.Length; i++)
        {
            var ours = Assert.Throws<InvalidDataException>(() =>
                Parser.CreateDecoder().TryDecode(new System.Buffers.ReadOnlySequence<byte>(Convert.FromHexString(hexes[i])), true, out _));
            Assert.Equal(decoded[i].GetProperty("error").GetString(), ours.Message);
        }
    }
}
