using System.Buffers;
using System.Text;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Protocol.Tests.SocketIO;

/// <summary>
/// Mutated and random inputs never escape the decoder as anything but <see cref="InvalidDataException"/>: a malformed
/// packet closes its connection, it never crashes the server.
/// </summary>
public sealed class JsonDecoderRobustnessTests
{
    private static readonly string[] Seeds =
    [
        "0", "0/admin,{\"token\":\"x\"}", "1/admin,", "2[\"a\",1,{\"b\":[true,null]}]", "212[\"foo\"]",
        "3/admin,13[\"bar\"]", "4{\"message\":\"m\"}", "51-[\"baz\",{\"_placeholder\":true,\"num\":0}]",
        "61-15[{\"_placeholder\":true,\"num\":0}]", "52-/admin,7[\"x\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]",
    ];

    [Fact]
    public void MutatedPacketsEitherDecodeOrFailWithInvalidData()
    {
        var random = new Random(20261126);
        const string alphabet = "0123456789-/,[]{}\":_abcnumplaceholdertrue\\ \u00e9";
        var decoded = 0;
        var rejected = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var chars = Seeds[random.Next(Seeds.Length)].ToCharArray().ToList();
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                var position = chars.Count == 0 ? 0 : random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0 when chars.Count > 0:
                        chars.RemoveAt(position);
                        break;
                    case 1:
                        chars.Insert(position, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        if (chars.Count > 0)
                        {
                            chars[position] = alphabet[random.Next(alphabet.Length)];
                        }

                        break;
                }
            }

            var decoder = JsonSocketIOParser.Default.CreateDecoder();
            try
            {
                var complete = decoder.TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(new string([.. chars]))), false, out var packet);
                for (var n = 0; !complete && n < 10; n++)
                {
                    complete = decoder.TryDecode(new ReadOnlySequence<byte>([(byte)n]), true, out packet);
                }

                if (complete)
                {
                    // Reading arguments of a decoded packet must not throw anything unexpected either.
                    var args = packet!.Data;
                    for (var a = 0; args is not null && a < args.Count; a++)
                    {
                        _ = args.GetRaw(a);
                        try
                        {
                            _ = args.Get<string>(a);
                        }
                        catch (TypedSockets.Protocol.SocketIO.SocketIOBindingException)
                        {
                        }
                    }
                }

                decoded++;
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
        }

        Assert.True(decoded > 1000, $"only {decoded} mutations decoded: the corpus does not exercise the success path");
        Assert.True(rejected > 1000, $"only {rejected} mutations were rejected: the corpus does not exercise the error path");
    }

    // Found by tests/TypedSockets.Fuzz (corpus/regressions/socketio-json): a lone surrogate escape (valid JSON, what JS
    // JSON.stringify writes for such a string) made these throw InvalidOperationException.
    [Fact]
    public void ABinaryPacketWithALoneSurrogateKeyDecodes()
    {
        var decoder = JsonSocketIOParser.Default.CreateDecoder();
        Assert.False(decoder.TryDecode(Text("51-[\"m\",{\"\\udc00\":{\"_placeholder\":true,\"num\":0}}]"), false, out _));
        Assert.True(decoder.TryDecode(new ReadOnlySequence<byte>(new byte[] { 1, 2 }), true, out var packet));
        Assert.Equal("m", packet!.EventName);
        Assert.Equal(1, packet.Data!.Count);
    }

    [Fact]
    public void APlaceholderWithALoneSurrogateKeyInsteadOfNumIsIllegalAttachments()
    {
        var decoder = JsonSocketIOParser.Default.CreateDecoder();
        Assert.False(decoder.TryDecode(Text("51-[\"m\",{\"_placeholder\":true,\"nu\\udc00m\":0}]"), false, out _));
        var error = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(new ReadOnlySequence<byte>(new byte[] { 1 }), true, out _));
        Assert.Equal("illegal attachments", error.Message);
    }

    [Theory]
    [InlineData("2[\"m\",\"\\ud800\"]")] // text path
    [InlineData("4\"\\udc00n\"")] // JsonElement path
    public void TryGetStringIsFalseForALoneSurrogate(string wire)
    {
        Assert.True(JsonSocketIOParser.Default.CreateDecoder().TryDecode(Text(wire), false, out var packet));
        Assert.False(packet!.Data!.TryGetString(0, out var value));
        Assert.Null(value);
    }

    [Fact]
    public void PropertyProbesAreFalseForLoneSurrogates()
    {
        Assert.True(JsonSocketIOParser.Default.CreateDecoder().TryDecode(
            Text("2[\"m\",{\"error\":{\"message\":\"\\ud800\"}},{\"pid\":\"\\udfff\"}]"), false, out var packet));
        Assert.False(packet!.Data!.TryGetError(0, out var message, out var code));
        Assert.Null(message);
        Assert.Null(code);
        Assert.False(packet.Data.TryGetStringProperty(1, "pid", out var pid));
        Assert.Null(pid);
    }

    private static ReadOnlySequence<byte> Text(string wire) => new(Encoding.UTF8.GetBytes(wire));

    [Fact]
    public void DeeplyNestedJsonIsRejectedNotAStackOverflow()
    {
        var deep = "2[\"a\"," + new string('[', 100_000) + new string(']', 100_000) + "]";
        var decoder = JsonSocketIOParser.Default.CreateDecoder();
        var error = Assert.Throws<InvalidDataException>(() => decoder.TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(deep)), false, out _));
        Assert.Equal("invalid payload", error.Message);
    }
}
