using System.Text.Json;
using TypedSockets.Server.Tests.Conformance.Kit;

namespace TypedSockets.Server.Tests.Conformance.Extra;

/// <summary>
/// Beyond the suite: binary attachments where the suite has only top-level ones in order. The reference rebuilds
/// the arguments (socket.io-parser <c>reconstructPacket</c>) and, when echoing, splits them again depth-first
/// (<c>deconstructPacket</c>), so placeholders come back renumbered in argument order.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class BinaryTests(ConformanceServerFixture server)
{
    [Fact]
    public async Task ShouldEchoNestedAttachmentsRenumberedDepthFirst()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("452-[\"message\",{\"a\":{\"_placeholder\":true,\"num\":1},\"b\":[{\"_placeholder\":true,\"num\":0}]},\"text\"]");
        await socket.SendBinaryAsync(0xA0);
        await socket.SendBinaryAsync(0xA1);

        var header = await socket.ReceiveTextAsync();
        Assert.Equal("452-[\"message-back\",{\"a\":{\"_placeholder\":true,\"num\":0},\"b\":[{\"_placeholder\":true,\"num\":1}]},\"text\"]", header);
        var frames = await socket.ReceiveIgnoringPingsAsync(2);
        Assert.True(frames[0].IsBinary && frames[1].IsBinary, $"Expected two binary frames.\nTranscript:\n{socket.Transcript}");
        Assert.Equal([0xA1], frames[0].Data); // "a" comes first depth-first: it was attachment 1
        Assert.Equal([0xA0], frames[1].Data);
    }

    [Fact]
    public async Task ShouldRenumberTopLevelAttachmentsInArgumentOrder()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("452-7[\"message-with-ack\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]");
        await socket.SendBinaryAsync(0xB0);
        await socket.SendBinaryAsync(0xB1);

        var header = await socket.ReceiveTextAsync();
        Assert.Equal("462-7[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", header);
        var frames = await socket.ReceiveIgnoringPingsAsync(2);
        Assert.True(frames[0].IsBinary && frames[1].IsBinary, $"Expected two binary frames.\nTranscript:\n{socket.Transcript}");
        Assert.Equal([0xB1], frames[0].Data);
        Assert.Equal([0xB0], frames[1].Data);
    }

    [Fact]
    public async Task ShouldKeepAttachmentsRightAfterTheirHeader()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);
        await Handshakes.JoinAsync(socket, "/custom");

        const int rounds = 10;
        for (byte i = 0; i < rounds; i++)
        {
            await socket.SendTextAsync("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            await socket.SendBinaryAsync(i, 0);
            await socket.SendBinaryAsync(i, 1);
            await socket.SendTextAsync($"42/custom,[\"message\",{i}]");
        }

        var frames = await socket.ReceiveIgnoringPingsAsync(rounds * 4);
        for (byte i = 0; i < rounds; i++)
        {
            var at = i * 4;
            Assert.Equal("452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", frames[at].Text);
            Assert.True(frames[at + 1].IsBinary && frames[at + 2].IsBinary, $"Round {i}: attachments must follow the header.\nTranscript:\n{socket.Transcript}");
            Assert.Equal([i, 0], frames[at + 1].Data);
            Assert.Equal([i, 1], frames[at + 2].Data);
            Assert.Equal($"42/custom,[\"message-back\",{i}]", frames[at + 3].Text);
        }
    }

    [Fact]
    public async Task ShouldAckWithoutArguments()
    {
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("421[\"message-with-ack\"]");

        Assert.Equal("431[]", await socket.ReceiveTextAsync());
    }

    [Fact]
    public async Task ShouldEchoUnicodeAndEscapesAsEquivalentJson()
    {
        // Compared as JSON values: an encoder may escape differently (the reference writes "😀", "1e+21", "\u001f").
        const string arguments = "\"<a href='x'>&+ é ☃ 😀</a>\",1.5,1e21,\"\\u0000\\u001f\\\"\\\\\",{\"ü\":[true,null]}";
        await using var socket = await Handshakes.OpenSocketIOAsync(server, answerPings: true);

        await socket.SendTextAsync("42[\"message\"," + arguments + "]");
        var echo = await socket.ReceiveTextAsync();

        Assert.StartsWith("42[", echo);
        AssertSameJson("[\"message-back\"," + arguments + "]", echo[2..]);

        var polling = server.Polling;
        var sid = await polling.OpenSessionAsync();
        await polling.PushOkAsync(sid, "40");
        await polling.ReceivePacketsAsync(sid, 2);
        await polling.PushOkAsync(sid, "42[\"message\"," + arguments + "]");
        var polled = (await polling.ReceivePacketsAsync(sid, 1)).Packets[0];

        Assert.StartsWith("42[", polled);
        AssertSameJson("[\"message-back\"," + arguments + "]", polled[2..]);
    }

    private static void AssertSameJson(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        Assert.True(JsonElement.DeepEquals(e.RootElement, a.RootElement), $"Expected JSON equivalent to\n{expected}\ngot\n{actual}");
    }
}
