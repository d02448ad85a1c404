using System.Buffers;
using System.Text;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Protocol.SocketIO.MessagePack;

namespace TypedSockets.Protocol.Tests.SocketIO;

/// <summary>
/// The error answer: <see cref="SocketIOErrorAnswer.ToArguments(string, string?, object?)"/> writes exactly
/// <c>[{"error":{"message","code","data"}}]</c>, and <see cref="SocketIOArguments.TryGetError"/> recognises that shape
/// only, with both parsers.
/// </summary>
public sealed class ErrorAnswerTests
{
    /// <summary>Received JSON acks: the error they carry (message|code|data), or null when they are not the error shape.</summary>
    public static TheoryData<string, string?> JsonAcks => new()
    {
        { """3[{"error":{"message":"Room is full"}}]""", "Room is full||" },
        { """3[{"error":{"message":"Room is full","code":"room_full","data":{"max":2}}}]""", """Room is full|room_full|{"max":2}""" },
        { """3[{"error":{"code":"x","message":"m","data":null}}]""", "m|x|" },
        { """3[{"error":{"message":"m","code":7}}]""", "m||" },
        { """3[{"error":{"message":"m"},"ok":false}]""", null },
        { """3[{"ok":false,"error":{"message":"m"}}]""", null },
        { """3[{"error":"m"}]""", null },
        { """3[{"error":{"message":1}}]""", null },
        { """3[{"error":{"code":"x"}}]""", null },
        { """3[{"error":{"message":"m"}},1]""", null },
        { """3[{"errors":{"message":"m"}}]""", null },
        { """3["error"]""", null },
        { """3[{}]""", null },
        { """3[]""", null },
        { """3[{"room":"lobby","online":2}]""", null },
    };

    [Theory]
    [MemberData(nameof(JsonAcks))]
    public void JsonAcksAreRecognisedOnlyInTheErrorShape(string ack, string? expected)
    {
        var arguments = Decode(JsonSocketIOParser.Default, Encoding.UTF8.GetBytes(ack), isBinary: false);
        Assert.Equal(expected, arguments.TryGetError(out var error) ? $"{error.Message}|{error.Code}|{error.ErrorData}" : null);
    }

    [Fact]
    public void JsonWritesTheErrorShapeExactly()
    {
        Assert.Equal(
            """3/chat,5[{"error":{"message":"Room is full","code":"room_full","data":{"max":2}}}]""",
            Encoding.UTF8.GetString(JsonSocketIOParser.Default.EncodeAck("/chat", 5, SocketIOErrorAnswer.ToArguments("Room is full", "room_full", new Dictionary<string, object?> { ["max"] = 2 })).Payload.Span));
        Assert.Equal(
            """30[{"error":{"message":"m"}}]""",
            Encoding.UTF8.GetString(JsonSocketIOParser.Default.EncodeAck("/", 0, SocketIOErrorAnswer.ToArguments(new SocketInvocationException("m"))).Payload.Span));
    }

    [Fact]
    public void MessagePackRoundTripsTheErrorShape()
    {
        var parser = new MessagePackSocketIOParser();
        var encoded = parser.EncodeAck("/", 1, SocketIOErrorAnswer.ToArguments("Room is full", "room_full", new Dictionary<string, object?> { ["max"] = 2 }));
        var arguments = Decode(parser, encoded.Payload.ToArray(), isBinary: true);

        Assert.True(arguments.TryGetError(out var error));
        Assert.Equal(("Room is full", "room_full"), (error.Message, error.Code));
        var data = Assert.IsType<MessagePackRawValue>(error.ErrorData);
        Assert.Equal(2, global::MessagePack.MessagePackSerializer.Deserialize<Dictionary<string, int>>(data.Bytes)["max"]);

        // A value that is not the error shape, though an object with an "error" property among others.
        var plain = Decode(parser, parser.EncodeAck("/", 2, [new Dictionary<string, object?> { ["error"] = new Dictionary<string, object?> { ["message"] = "m" }, ["ok"] = false }]).Payload.ToArray(), isBinary: true);
        Assert.False(plain.TryGetError(out _));
        var noMessage = Decode(parser, parser.EncodeAck("/", 3, [new Dictionary<string, object?> { ["error"] = new Dictionary<string, object?> { ["code"] = "c" } }]).Payload.ToArray(), isBinary: true);
        Assert.False(noMessage.TryGetError(out _));
    }

    private static SocketIOArguments Decode(SocketIOParser parser, byte[] payload, bool isBinary)
    {
        var decoder = parser.CreateDecoder();
        Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(payload), isBinary, out var packet));
        return packet!.Data ?? SocketIOArguments.Empty;
    }
}
