using System.Buffers;
using System.Text;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Client.Tests.Unit;

/// <summary>The protocol members the client added: the recovery CONNECT and the offset read.</summary>
public sealed class ParserAdditionsTests
{
    public static readonly TheoryData<string, object?, string?, string?, string> ConnectCases = new()
    {
        { "/", new { token = "x" }, null, null, """0{"token":"x"}""" },
        { "/", null, "p1", "o1", """0{"pid":"p1","offset":"o1"}""" },
        { "/", new { token = "x", Nested = new { a = 1 } }, "p1", "o1", """0{"pid":"p1","offset":"o1","token":"x","nested":{"a":1}}""" },
        { "/admin", new Dictionary<string, object?> { ["token"] = "x" }, "p1", null, """0/admin,{"pid":"p1","offset":null,"token":"x"}""" },
        { "/", new { pid = "forged", token = "x" }, "p1", "o1", """0{"pid":"p1","offset":"o1","token":"x"}""" },
    };

    [Theory]
    [MemberData(nameof(ConnectCases))]
    public void TheJsonParserMergesRecoveryFieldsIntoTheAuth(string nsp, object? auth, string? pid, string? offset, string expected)
    {
        Assert.Equal(expected, JsonSocketIOParser.Default.EncodeClientConnect(nsp, auth, pid, offset).ToString());
    }

    [Fact]
    public void TheBaseImplementationMergesADictionaryOrPublicProperties()
    {
        var parser = new PlainParser();
        Assert.Equal("""0{"pid":"p","offset":"o","token":"x"}""", parser.EncodeClientConnect("/", new Dictionary<string, object?> { ["token"] = "x" }, "p", "o").ToString());
        Assert.Equal("""0{"pid":"p","offset":"o","token":"y"}""", parser.EncodeClientConnect("/", new { token = "y" }, "p", "o").ToString());
        Assert.Equal("""0{"token":"z"}""", parser.EncodeClientConnect("/", new { token = "z" }, null, "o").ToString());
    }

    [Fact]
    public void TryGetStringReadsOnlyStrings()
    {
        var decoder = JsonSocketIOParser.Default.CreateDecoder();
        Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("""2["e",1,null,"off"]""")), false, out var packet));
        var args = packet!.Data!;
        Assert.False(args.TryGetString(0, out _));
        Assert.False(args.TryGetString(1, out _));
        Assert.True(args.TryGetString(2, out var offset));
        Assert.Equal("off", offset);
        Assert.False(args.TryGetString(3, out _));
    }

    /// <summary>A parser that keeps the base recovery CONNECT (as a third-party parser would).</summary>
    private sealed class PlainParser : SocketIOParser
    {
        private readonly JsonSocketIOParser _json = JsonSocketIOParser.Default;

        public override string Name => "plain";

        public override SocketIODecoder CreateDecoder(int maxAttachments = SocketIODecoder.DefaultMaxAttachments) => _json.CreateDecoder(maxAttachments);

        public override EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long ackId = -1) => _json.EncodeEvent(nsp, eventName, args, ackId);

        public override EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args) => _json.EncodeAck(nsp, ackId, args);

        public override EncodedPacket EncodeConnect(string nsp, string sid, string? pid) => _json.EncodeConnect(nsp, sid, pid);

        public override EncodedPacket EncodeClientConnect(string nsp, object? auth) => _json.EncodeClientConnect(nsp, auth);

        public override EncodedPacket EncodeConnectError(string nsp, string message, object? data) => _json.EncodeConnectError(nsp, message, data);

        public override EncodedPacket EncodeDisconnect(string nsp) => _json.EncodeDisconnect(nsp);
    }
}
