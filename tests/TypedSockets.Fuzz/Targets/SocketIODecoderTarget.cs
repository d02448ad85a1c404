using System.Buffers;
using System.Globalization;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Protocol.SocketIO.MessagePack;

namespace TypedSockets.Fuzz.Targets;

/// <summary>
/// A Socket.IO decoder fed the Engine.IO messages of one connection (see <see cref="MessageSequence"/>), then the binding
/// layer on every decoded packet (<see cref="BindingChecks"/>). Contract: each message decodes or throws
/// <see cref="InvalidDataException"/> (after which the connection is closed, so the rest of the input is dropped).
/// Round trip: a decoded EVENT, ACK, CONNECT or DISCONNECT re-encoded from its raw arguments decodes to the same
/// packet, and encoding that again gives the same bytes.
/// </summary>
public sealed class SocketIODecoderTarget : FuzzTarget
{
    private readonly SocketIOParser _parser;
    private readonly SocketIOParser? _bindingParser;

    private SocketIODecoderTarget(string name, string description, SocketIOParser parser, SocketIOParser? bindingParser, byte[][] seeds, byte[][] tokens)
    {
        Name = name;
        Description = description;
        _parser = parser;
        _bindingParser = bindingParser;
        Seeds = seeds;
        Tokens = tokens;
    }

    /// <summary>The JSON parser (socket.io-parser): text packets and their binary attachments.</summary>
    public static SocketIODecoderTarget Json() => new(
        "socketio-json",
        "JsonSocketIOParser decoder (text packets + binary attachments) and Get<T> binding",
        JsonSocketIOParser.Default,
        null,
        JsonSeeds(),
        EnginePacketsTarget.Utf8(
            "[", "]", "{", "}", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\"\\ud83d\\ude00\"", "{\"_placeholder\":true,\"num\":0}",
            "{\"_placeholder\":true,\"num\":1}", "/admin,", "-", "1-", "\u001e\u0001", "\u001e", "null", "true", "false", "1e400", "-0", "1.5",
            "\"pid\"", "\"offset\"", "{\"error\":{\"message\":\"m\",\"code\":\"c\"}}", "\"connect\"", "\"disconnecting\"", "[[[[[[[[", "]]]]]]]]",
            "{\"a\":{\"a\":{\"a\":", "\"Text\":\"t\"", "\"Count\":1", "\"Kind\":\"Rich\"", "\"At\":\"2024-01-01T00:00:00Z\"", "\"Blob\":", "\"Replies\":["));

    /// <summary>The msgpack parser (socket.io-msgpack-parser); binding runs with both object mappings.</summary>
    public static SocketIODecoderTarget MessagePack() => new(
        "socketio-msgpack",
        "MessagePackSocketIOParser decoder (one binary message per packet) and Get<T> binding with both object mappings",
        MessagePackSocketIOParser.Default,
        new MessagePackSocketIOParser(MessagePackObjectMapping.MessagePackResolver),
        MessagePackSeeds(),
        [
            Hex("a474797065"), Hex("a464617461"), Hex("a36e7370"), Hex("a26964"), Hex("a12f"), Hex("d40000"), Hex("c0"), Hex("c3"),
            Hex("90"), Hex("91"), Hex("92"), Hex("80"), Hex("81"), Hex("dc0010"), Hex("ddffffffff"), Hex("dfffffffff"), Hex("dbffffffff"),
            Hex("c4"), Hex("c403010203"), Hex("c70300010203"), Hex("d7000000018bcfe5687b"), Hex("d6ff00000000"), Hex("cb7ff8000000000000"),
            Hex("cf8000000000000000"), Hex("d3ffffffffffffffff"), Hex("a4546578"), Hex("a5436f756e74"), Hex("a454657874"), Hex("a44b696e64"),
            Hex("c1"), Hex("a7636f6e6e656374"), Hex("a3706964"),
        ]);

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<byte[]> Tokens { get; }

    /// <inheritdoc/>
    public override string Execute(byte[] input)
    {
        var messages = MessageSequence.Split(input);
        if (_parser is JsonSocketIOParser)
        {
            // The transports hand the decoder valid UTF-8 text only: the WebSocket layer validates text frames, the
            // Engine.IO payload reader polling messages. Invalid text ends the connection before it gets here.
            var valid = messages.FindIndex(m => !m.IsBinary && !System.Text.Unicode.Utf8.IsValid(m.Data));
            if (valid >= 0)
            {
                messages.RemoveRange(valid, messages.Count - valid);
            }
        }

        var outcome = "pending";
        var decoded = Decode(_parser, messages, out var error);
        foreach (var packet in decoded)
        {
            if (packet.Data is { } data)
            {
                BindingChecks.Run(data);
            }

            outcome = RoundTrip(packet) ?? $"ok:{packet.Type}:{Math.Min(packet.Data?.Count ?? -1, 3)}";
        }

        if (_bindingParser is not null)
        {
            foreach (var packet in Decode(_bindingParser, messages, out _))
            {
                if (packet.Data is { } data)
                {
                    BindingChecks.Run(data);
                }
            }
        }

        return error is not null ? Rejected(error) : outcome;
    }

    private static List<SocketIOPacket> Decode(SocketIOParser parser, List<(byte[] Data, bool IsBinary)> messages, out InvalidDataException? error)
    {
        var packets = new List<SocketIOPacket>();
        var decoder = parser.CreateDecoder();
        error = null;
        foreach (var (data, isBinary) in messages)
        {
            try
            {
                if (decoder.TryDecode(new ReadOnlySequence<byte>(data), isBinary, out var packet))
                {
                    packets.Add(packet!);
                }
            }
            catch (InvalidDataException e)
            {
                // A protocol error closes the connection: nothing after it is read.
                error = e;
                break;
            }
        }

        return packets;
    }

    /// <summary>Checks the round trip; returns a label when the packet falls under a known limitation, else null.</summary>
    private string? RoundTrip(SocketIOPacket packet)
    {
        EncodedPacket? first;
        try
        {
            first = Encode(packet);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException && HasLoneSurrogateEscape(packet))
        {
            // Known limitation (docs/reliability.md): a lone surrogate escape in a property name cannot be written by
            // Utf8JsonWriter, so an object holding binary data under such a name, or a CONNECT auth re-encoded by a
            // client, fails to re-encode. Values (the common case, issue 15 defect 2) are re-emitted as received.
            return "known: lone surrogate escape in a property name";
        }

        if (first is null)
        {
            return null;
        }

        var again = DecodeOwn(first);
        Check(again.Type == packet.Type && again.Namespace == packet.Namespace, "round trip keeps the type and namespace");
        if (packet.Type is SocketIOPacketType.Event or SocketIOPacketType.Ack)
        {
            Check(again.AckId == packet.AckId, "round trip keeps the ack id");
        }

        Check(again.EventName == packet.EventName, "round trip keeps the event name");
        Check((again.Data?.Count ?? 0) == (packet.Data?.Count ?? 0), "round trip keeps the argument count");
        var second = Encode(again)!;
        Check(second.PayloadIsBinary == first.PayloadIsBinary && second.Payload.Span.SequenceEqual(first.Payload.Span), "re-encoding gives the same payload");
        Check(second.Attachments.Length == first.Attachments.Length, "re-encoding gives the same attachment count");
        for (var i = 0; i < first.Attachments.Length; i++)
        {
            Check(second.Attachments[i].Span.SequenceEqual(first.Attachments[i].Span), "re-encoding gives the same attachments");
        }

        return null;
    }

    private static bool HasLoneSurrogateEscape(SocketIOPacket packet) =>
        packet.Data?.ToString() is { } json && System.Text.RegularExpressions.Regex.IsMatch(json, @"\\u[dD][89a-fA-F][0-9a-fA-F]{2}");

    private EncodedPacket? Encode(SocketIOPacket packet)
    {
        var raw = packet.Data?.ToRawArray() ?? [];
        return packet.Type switch
        {
            SocketIOPacketType.Event => _parser.EncodeEvent(packet.Namespace, packet.EventName!, raw, packet.AckId),
            SocketIOPacketType.Ack when packet.AckId >= 0 => _parser.EncodeAck(packet.Namespace, packet.AckId, raw),
            SocketIOPacketType.Connect => _parser.EncodeClientConnect(packet.Namespace, raw.Length > 0 ? raw[0] : null),
            SocketIOPacketType.Disconnect => _parser.EncodeDisconnect(packet.Namespace),
            _ => null,
        };
    }

    /// <summary>Decodes what our own encoder wrote: it must decode, to exactly one packet.</summary>
    private SocketIOPacket DecodeOwn(EncodedPacket encoded)
    {
        var decoder = _parser.CreateDecoder(int.MaxValue);
        SocketIOPacket? packet;
        try
        {
            var complete = decoder.TryDecode(new ReadOnlySequence<byte>(encoded.Payload), encoded.PayloadIsBinary, out packet);
            for (var i = 0; i < encoded.Attachments.Length; i++)
            {
                Check(!complete, "a packet completes after its last attachment");
                complete = decoder.TryDecode(new ReadOnlySequence<byte>(encoded.Attachments[i]), isBinary: true, out packet);
            }

            Check(complete, "a re-encoded packet decodes completely");
        }
        catch (InvalidDataException e)
        {
            throw new FuzzPropertyException($"a re-encoded packet decodes: {e.Message} ({encoded})");
        }

        return packet!;
    }

    private static byte[][] JsonSeeds()
    {
        // tests/TypedSockets.Protocol.Tests/SocketIO/JsonParserTests.cs: the codec table and the control packets.
        var texts = new[]
        {
            "2[\"foo\"]", "2/admin,[\"bar\"]", "212[\"foo\"]", "2[\"message\",1,\"2\",{\"3\":[true]}]", "2/admin,13[\"bar\",null,false]",
            "3/admin,13[\"bar\"]", "30[]", "0", "0{\"token\":\"123\"}", "0/admin,", "0/admin,{\"token\":\"abc\"}", "0/custom", "4\"nope\"",
            "4/random,{\"message\":\"Invalid namespace\"}", "1", "1/admin,", "1/admin", "2[\"message\",\"\\ud800\",{\"k\":[\"a\\udc00b\"]}]",
            "2[42,\"number name\"]", "2[\"m\",{\"Text\":\"t\",\"Count\":3,\"Score\":1.5,\"At\":\"2024-01-01T00:00:00Z\",\"Kind\":\"Rich\",\"Replies\":[{\"Text\":\"r\",\"Count\":0}],\"Tags\":{\"a\":\"b\"},\"Blob\":\"AQID\"},{\"X\":1,\"Y\":2}]",
            "2[\"m\",{\"pid\":\"p\",\"offset\":\"o\"},{\"error\":{\"message\":\"no\",\"code\":\"E\"}},[1,2,3],\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"]",
            "2[\"m\",[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]", "2[\"connect\"]", "2[]", "2[\"a\"", "2[\"a\"]x", "9", "5[\"a\"]",
        };
        var seeds = texts.Select(System.Text.Encoding.UTF8.GetBytes).ToList();

        // Binary packets: the header, then its attachments.
        seeds.Add(MessageSequence.Join([(Utf8("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]"), false), ([1, 2, 3], true)]));
        seeds.Add(MessageSequence.Join([(Utf8("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"), false), ([1], true), ([2, 3], true)]));
        seeds.Add(MessageSequence.Join([(Utf8("61-15[{\"_placeholder\":true,\"num\":0}]"), false), ([4, 5, 6], true)]));
        seeds.Add(MessageSequence.Join([(Utf8("51-/admin,7[\"x\",{\"_placeholder\":true,\"num\":0}]"), false), ([], true)]));
        seeds.Add(MessageSequence.Join([(Utf8("52-[\"m\",{\"a\":{\"_placeholder\":true,\"num\":1},\"b\":[{\"_placeholder\":true,\"num\":0}]},\"text\"]"), false), ([0xA0], true), ([0xA1], true), (Utf8("2[\"after\"]"), false)]));
        seeds.Add(MessageSequence.Join([(Utf8("2[\"a\"]"), false), ([1], true)]));
        return [.. seeds];
    }

    private static byte[][] MessagePackSeeds()
    {
        // Every row of the npm codec table (tests/TypedSockets.Protocol.Tests/MessagePack/MessagePackWireTable.cs), as one binary message.
        var seeds = new List<byte[]>();
        foreach (var hex in TypedSockets.Protocol.Tests.MessagePack.MessagePackWireTable.Hex.Values)
        {
            seeds.Add(MessageSequence.Join([(Convert.FromHexString(hex), true)]));
        }

        // What our encoder writes for the binding DTOs.
        var parser = MessagePackSocketIOParser.Default;
        var message = new FuzzMessage("t", 3, 1.5, DateTimeOffset.UnixEpoch, FuzzKind.Rich, [new FuzzMessage("r", 0, null, null, FuzzKind.Plain, null, null, null)], new() { ["a"] = "b" }, [1, 2, 3]);
        seeds.Add(MessageSequence.Join([(parser.EncodeEvent("/", "m", [message, new FuzzPoint(1, 2), Guid.Empty.ToString(), 7, long.MaxValue.ToString(CultureInfo.InvariantCulture)], 5).Payload.ToArray(), true)]));
        seeds.Add(MessageSequence.Join([(parser.EncodeClientConnect("/admin", new Dictionary<string, object?> { ["token"] = "abc" }, "pid", "offset").Payload.ToArray(), true)]));
        seeds.Add(MessageSequence.Join([(parser.EncodeConnectError("/", "nope", new Dictionary<string, object?> { ["code"] = 401 }).Payload.ToArray(), true)]));
        seeds.Add(MessageSequence.Join([(parser.EncodeDisconnect("/admin").Payload.ToArray(), true)]));
        return [.. seeds];
    }

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);
}
