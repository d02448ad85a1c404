using System.Text.Json;

namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>The handshakes the suite performs and checks again and again.</summary>
public static class Handshakes
{
    /// <summary>
    /// Checks an Engine.IO open packet as the suite does (<c>0{...}</c> with exactly sid, upgrades, pingInterval,
    /// pingTimeout, maxPayload and the suite's values) and returns the sid.
    /// </summary>
    public static string AssertOpenPacket(string packet, params string[] upgrades)
    {
        Assert.StartsWith("0", packet);
        using var document = JsonDocument.Parse(packet[1..]);
        var value = document.RootElement;
        Assert.Equal(JsonValueKind.Object, value.ValueKind);
        Assert.Equal(
            ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"],
            value.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(JsonValueKind.String, value.GetProperty("sid").ValueKind);
        Assert.Equal(upgrades, value.GetProperty("upgrades").EnumerateArray().Select(u => u.GetString()).ToArray());
        Assert.Equal(ConformanceServerFixture.PingInterval, value.GetProperty("pingInterval").GetInt32());
        Assert.Equal(ConformanceServerFixture.PingTimeout, value.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(ConformanceServerFixture.MaxPayload, value.GetProperty("maxPayload").GetInt32());
        return value.GetProperty("sid").GetString()!;
    }

    /// <summary>
    /// Checks a Socket.IO CONNECT reply as the suite does: it starts with <paramref name="prefix"/>
    /// (<c>40</c> or <c>40/custom,</c>) followed by an object whose only key is a string <c>sid</c>. Returns the sid.
    /// </summary>
    public static string AssertConnectReply(string packet, string prefix)
    {
        Assert.StartsWith(prefix, packet);
        using var document = JsonDocument.Parse(packet[prefix.Length..]);
        var value = document.RootElement;
        Assert.Equal(JsonValueKind.Object, value.ValueKind);
        Assert.Equal(["sid"], value.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(JsonValueKind.String, value.GetProperty("sid").ValueKind);
        return value.GetProperty("sid").GetString()!;
    }

    /// <summary>
    /// The suite's <c>initSocketIOConnection</c>: a WebSocket session joined to <c>/</c>, with the open packet,
    /// the CONNECT reply and the <c>auth</c> event consumed (and checked, so a broken setup says so).
    /// </summary>
    public static async Task<RawWebSocket> OpenSocketIOAsync(ConformanceServerFixture server, bool answerPings = false)
    {
        var socket = await RawWebSocket.ConnectAsync(server.WebSocketTransportUri(), answerPings);
        try
        {
            AssertOpenPacket(await socket.ReceiveTextAsync()); // Engine.IO handshake
            await socket.SendTextAsync("40");
            AssertConnectReply(await socket.ReceiveTextAsync(), "40"); // Socket.IO handshake
            Assert.Equal("42[\"auth\",{}]", await socket.ReceiveTextAsync()); // "auth" packet
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>Joins <c>/custom</c> (or another namespace) on an open session; pings are skipped. Returns the sid.</summary>
    public static async Task<string> JoinAsync(RawWebSocket socket, string nsp)
    {
        await socket.SendTextAsync("40" + nsp + ",");
        var sid = AssertConnectReply(await socket.ReceiveTextIgnoringPingsAsync(), "40" + nsp + ",");
        Assert.Equal("42" + nsp + ",[\"auth\",{}]", await socket.ReceiveTextIgnoringPingsAsync());
        return sid;
    }

    /// <summary>
    /// A WebSocket to <paramref name="uri"/> must be refused. The suite only waits for <c>close</c>; the reference
    /// server (engine.io <c>abortUpgrade</c>) answers the upgrade request with HTTP 400, and so must we
    /// (PROTOCOL.md: "WebSocket: plain 400 before the upgrade").
    /// </summary>
    public static async Task AssertWebSocketRefusedAsync(Uri uri)
    {
        var attempt = await RawWebSocket.TryConnectAsync(uri);
        if (attempt.Socket is not null)
        {
            var frames = await attempt.Socket.WaitForCloseAsync();
            var transcript = attempt.Socket.Transcript;
            await attempt.Socket.DisposeAsync();
            throw new Xunit.Sdk.XunitException(
                $"The WebSocket upgrade to {uri} was accepted (then closed with {frames.Count} frames left); expected HTTP 400.\nTranscript:\n{transcript}");
        }

        Assert.True(
            attempt.StatusCode == System.Net.HttpStatusCode.BadRequest,
            $"Expected the upgrade to {uri} to be refused with 400, got {(int)attempt.StatusCode} ({attempt.Failure}).");
    }
}
