using System.Buffers;
using System.Text;
using System.Text.Json;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Protocol.SocketIO.MessagePack;

namespace TypedSockets.Client.Tests.Unit;

/// <summary>
/// The code paths whose framework APIs are shimmed on netstandard2.1 (src/Polyfills): this file runs in
/// TypedSockets.Client.Tests (net10.0 builds) and TypedSockets.Client.NetStandard.Tests (netstandard2.1 builds),
/// with the same expectations.
/// </summary>
public sealed class ShimmedApiTests
{
    private static SocketIOPacket Decode(SocketIOParser parser, byte[] bytes, bool binary)
    {
        var decoder = parser.CreateDecoder();
        Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(bytes), binary, out var packet));
        return packet!;
    }

    [Fact]
    public void NamespacesOfEqualLengthAreToldApart()
    {
        // The JSON decoder reuses the previous namespace string when the bytes match (Ascii.Equals).
        var decoder = JsonSocketIOParser.Default.CreateDecoder();
        var names = new List<string>();
        foreach (var text in new[] { """2/admin,["e"]""", """2/admin,["e"]""", """2/adm1n,["e"]""", """2/admé,["e"]""" })
        {
            Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text)), false, out var packet));
            names.Add(packet!.Namespace);
        }

        Assert.Equal(["/admin", "/admin", "/adm1n", "/admé"], names);
    }

    [Fact]
    public void WhitespaceAfterTheJsonPayloadIsAcceptedAndAnythingElseIsNot()
    {
        var args = Decode(JsonSocketIOParser.Default, Encoding.UTF8.GetBytes("2[\"e\",1] \t\r\n"), binary: false).Data!;
        Assert.Equal(1, args.Get<int>(0)); // the arguments after the event name
        var decoder = JsonSocketIOParser.Default.CreateDecoder();
        Assert.Throws<InvalidDataException>(() => decoder.TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("2[\"e\",1] x")), false, out _));
    }

    [Fact]
    public void MessagePackFloatsReadAsTheirValues()
    {
        var parser = MessagePackSocketIOParser.Default;
        var encoded = parser.EncodeEvent("/", "e", [1.5f, -2.25d, 3.0d, new Dictionary<string, object> { ["f"] = 0.5f, ["d"] = 1e300 }]);
        var args = Decode(parser, encoded.Payload.ToArray(), binary: true).Data!;
        Assert.Equal(1.5, args.Get<double>(0));
        Assert.Equal(-2.25, args.Get<double>(1));
        Assert.Equal(3L, args.Get<long>(2));
        var map = args.Get<JsonElement>(3);
        Assert.Equal(0.5, map.GetProperty("f").GetDouble());
        Assert.Equal(1e300, map.GetProperty("d").GetDouble());
    }

    [Fact]
    public void BinaryPacketsPrintAsUpperCaseHex()
    {
        var encoded = MessagePackSocketIOParser.Default.EncodeEvent("/", "e", [255]);
        var bytes = encoded.Payload.ToArray();
        Assert.True(encoded.PayloadIsBinary);
        Assert.Equal(string.Concat(bytes.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))), encoded.ToString());
    }

    [Fact]
    public void GuardsNameTheirArgument()
    {
        Assert.Equal("uri", Assert.Throws<ArgumentNullException>(() => new SocketIOManager(null!)).ParamName);
        var uri = new Uri("http://127.0.0.1:1");
        Assert.Equal("Retries", Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIOManager(uri, new SocketIOClientOptions { Retries = -1 })).ParamName);
        Assert.Equal("ReconnectionAttempts", Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIOManager(uri, new SocketIOClientOptions { ReconnectionAttempts = -2 })).ParamName);
    }

    [Fact]
    public async Task ADisposedManagerRefusesNewSockets()
    {
        var manager = new SocketIOManager(new Uri("http://127.0.0.1:1"));
        await manager.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => manager.Socket("/other"));
    }
}
