using System.Buffers;
using System.Text;
using System.Text.Json;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.Tests.SocketIO;

/// <summary>
/// A text EVENT or ACK is decoded without a JsonElement tree (its JSON is kept and each argument deserialized from its
/// own bytes). The same packet sent as a BINARY_EVENT / BINARY_ACK with zero attachments takes the tree path: every
/// reading API must answer the same on both.
/// </summary>
public sealed class JsonTextArgumentsTests
{
    public static readonly TheoryData<string> Payloads = new()
    {
        "[\"echo\"]",
        "[\"echo\",\"0123456789abcdef0123456789abcdef\"]",
        "[\"message\",1,\"2\",{\"3\":[true]},null,[1,[2,[3]]],-1.5e3,false]",
        "[\"esc\\u0061ped\",\"line\\nbreak \\u00e9\",\"\\ud83d\\ude00\"]",
        "[42,\"numeric event name\"]",
        "[\"many\",0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,{\"a\":{\"b\":[{}]}}]",
        "  [ \"spaced\" , 1 , { \"k\" : \"v\" } ]  \n",
        "[\"user\",{\"name\":\"ana\",\"age\":7,\"tags\":[\"x\",\"y\"]}]",
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void EventArgumentsReadTheSameWithAndWithoutATree(string payload)
    {
        var text = Decode("2/chat,7" + payload);
        var tree = Decode("50-/chat,7" + payload);

        Assert.Equal(SocketIOPacketType.Event, text.Type);
        Assert.Equal(tree.Type, text.Type);
        Assert.Equal(tree.Namespace, text.Namespace);
        Assert.Equal(tree.AckId, text.AckId);
        Assert.Equal(tree.EventName, text.EventName);
        AssertSameArguments(tree.Data!, text.Data!);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void AckArgumentsReadTheSameWithAndWithoutATree(string payload)
    {
        var text = Decode("33" + payload);
        var tree = Decode("60-3" + payload);

        Assert.Equal(SocketIOPacketType.Ack, text.Type);
        Assert.Equal(tree.Type, text.Type);
        Assert.Equal(3, text.AckId);
        AssertSameArguments(tree.Data!, text.Data!);
    }

    [Fact]
    public void TypedReadsBindFromTheArgumentBytes()
    {
        var args = Decode("2[\"user\",{\"name\":\"ana\",\"age\":7},[1,2,3],\"s\",null]").Data!;

        var user = args.Get<User>(0)!;
        Assert.Equal("ana", user.Name);
        Assert.Equal(7, user.Age);
        Assert.Equal([1, 2, 3], args.Get<int[]>(1)!);
        Assert.Equal("s", args.Get<string>(2));
        Assert.Equal("s", args.Get(2, typeof(string)));
        Assert.Null(args.Get<string>(3));
        Assert.True(args.IsNull(3));
        Assert.False(args.IsNull(2));
        Assert.Equal(JsonValueKind.Object, args.Get<JsonElement>(0).ValueKind);
    }

    [Fact]
    public void AValueThatDoesNotBindIsABindingErrorAndAMissingArgumentIsOutOfRange()
    {
        var args = Decode("2[\"e\",\"text\",{\"age\":\"seven\"}]").Data!;

        Assert.Throws<SocketIOBindingException>(() => args.Get<int>(0));
        Assert.Throws<SocketIOBindingException>(() => args.Get<User>(1));
        Assert.Throws<SocketIOBindingException>(() => args.Get(0, typeof(int)));
        Assert.Throws<ArgumentOutOfRangeException>(() => args.Get<string>(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => args.GetRaw(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => args.IsNull(2));
        Assert.False(args.TryGetString(5, out _));
    }

    [Fact]
    public void APlaceholderInATextPacketIsABindingErrorNotAnAttachment()
    {
        var args = Decode("2[\"e\",{\"_placeholder\":true,\"num\":0}]").Data!;

        Assert.Throws<SocketIOBindingException>(() => args.Get<byte[]>(0));
    }

    [Theory]
    [InlineData("2[\"e\",1]x", "invalid payload")]
    [InlineData("2[\"e\",1", "invalid payload")]
    [InlineData("2[]", "invalid payload")]
    [InlineData("2[\"connect\",1]", "invalid payload")]
    [InlineData("2[\"disconnecting\"]", "invalid payload")]
    [InlineData("2[true]", "invalid payload")]
    [InlineData("2[\"e\",[1,]]", "invalid payload")]
    [InlineData("2{\"e\":1}", "invalid payload")]
    public void MalformedEventsGetTheReferenceAnswer(string wire, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Decode(wire));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void NestingPastTheLimitIsRejected()
    {
        var deep = "2[\"e\"," + new string('[', 70) + new string(']', 70) + "]";
        Assert.Throws<InvalidDataException>(() => Decode(deep));

        var fine = "2[\"e\"," + new string('[', 60) + new string(']', 60) + "]";
        Assert.Equal(1, Decode(fine).Data!.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheNestingLimitIsTheSerializerOptionsMaxDepth(bool binary)
    {
        var options = JsonSocketIOParser.CreateSerializerOptions();
        options.MaxDepth = 200;
        var parser = new JsonSocketIOParser(options);
        var inner = new string('[', 150) + "{\"k\":1}" + new string(']', 150);
        var wire = binary ? $"51-[\"e\",{inner},{{\"_placeholder\":true,\"num\":0}}]" : $"2[\"e\",{inner}]";

        var decoder = parser.CreateDecoder();
        var complete = decoder.TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire)), false, out var packet);
        if (binary)
        {
            Assert.False(complete);
            Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>([7]), true, out packet));
        }

        // Read, bound and written back at that depth.
        Assert.Equal(JsonValueKind.Array, packet!.Data!.Get<JsonElement>(0).ValueKind);
        var echoed = parser.EncodeEvent("/", "e", packet.Data.ToRawArray());
        Assert.StartsWith((binary ? "51-" : "2") + $"[\"e\",{inner}", echoed.ToString());

        // The default parser keeps System.Text.Json's 64.
        Assert.Equal("invalid payload", Assert.Throws<InvalidDataException>(() => JsonSocketIOParser.Default.CreateDecoder()
            .TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($"2[\"e\",{inner}]")), false, out _)).Message);
    }

    [Fact]
    public void RepeatedNamesAndNamespacesAreReadAgainWhenTheyChange()
    {
        var decoder = JsonSocketIOParser.Default.CreateDecoder();
        var names = new[] { "a", "a", "b", "a", "\u00e9t\u00e9", "\u00e9t\u00e9" };
        var namespaces = new[] { "/x", "/x", "/y", "/x", "/\u00e9", "/\u00e9" };
        for (var i = 0; i < names.Length; i++)
        {
            var bytes = Encoding.UTF8.GetBytes($"2{namespaces[i]},[\"{names[i]}\",{i}]");
            Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(bytes), false, out var packet));
            Assert.Equal(names[i], packet!.EventName);
            Assert.Equal(namespaces[i], packet.Namespace);
            Assert.Equal(i, packet.Data!.Get<int>(0));
        }
    }

    [Fact]
    public void ArgumentsStayValidAfterTheReceiveBufferIsReused()
    {
        var decoder = JsonSocketIOParser.Default.CreateDecoder();
        var buffer = Encoding.UTF8.GetBytes("2[\"e\",\"first\",{\"n\":1}]");
        Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(buffer), false, out var packet));
        Array.Fill(buffer, (byte)'#');

        Assert.Equal("first", packet!.Data!.Get<string>(0));
        Assert.Equal("{\"n\":1}", ((JsonElement)packet.Data.GetRaw(1)!).GetRawText());
    }

    [Fact]
    public void ConcurrentReadersOfOnePacketAgree()
    {
        var args = Decode("2[\"e\",{\"n\":1},[2],\"three\"]").Data!;
        Parallel.For(0, 64, i =>
        {
            Assert.Equal("{\"n\":1}", ((JsonElement)args.GetRaw(0)!).GetRawText());
            Assert.Equal([2], args.Get<int[]>(1)!);
            Assert.True(args.TryGetString(2, out var s));
            Assert.Equal("three", s);
        });
    }

    private static void AssertSameArguments(SocketIOArguments expected, SocketIOArguments actual)
    {
        Assert.IsType<JsonSocketIOArguments>(actual);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected.IsNull(i), actual.IsNull(i));
            Assert.Equal(expected.TryGetString(i, out var s1), actual.TryGetString(i, out var s2));
            Assert.Equal(s1, s2);
            Assert.Equal(expected.TryGetStringProperty(i, "name", out var p1), actual.TryGetStringProperty(i, "name", out var p2));
            Assert.Equal(p1, p2);
            Assert.Equal(((JsonElement)expected.GetRaw(i)!).GetRawText(), ((JsonElement)actual.GetRaw(i)!).GetRawText());
            Assert.Equal(expected.Get<JsonElement>(i).GetRawText(), actual.Get<JsonElement>(i).GetRawText());
            Assert.Equal(JsonSerializer.Serialize(expected.Get<object>(i)), JsonSerializer.Serialize(actual.Get<object>(i)));
            Assert.Equal(Describe(() => expected.Get<string>(i)), Describe(() => actual.Get<string>(i)));
            Assert.Equal(Describe(() => expected.Get<double>(i)), Describe(() => actual.Get<double>(i)));
            Assert.Equal(Describe(() => expected.Get(i, typeof(Dictionary<string, JsonElement>))), Describe(() => actual.Get(i, typeof(Dictionary<string, JsonElement>))));
        }

        Assert.Equal(JsonSerializer.Serialize(expected.ToRawArray()), JsonSerializer.Serialize(actual.ToRawArray()));
    }

    private static string Describe(Func<object?> read)
    {
        try
        {
            return "value " + JsonSerializer.Serialize(read());
        }
        catch (SocketIOBindingException)
        {
            return "binding error";
        }
    }

    private static SocketIOPacket Decode(string wire)
    {
        var decoder = JsonSocketIOParser.Default.CreateDecoder();
        Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire)), false, out var packet));
        return packet!;
    }

    private sealed record User(string Name, int Age);
}
