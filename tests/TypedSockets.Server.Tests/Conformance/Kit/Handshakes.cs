using System.Net;
using System.Text.Json;
using Xunit.Sdk;

namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>The handshakes the suite performs and checks again and again.</summary>
public static class Handshakes
{
    /// <summary>
    /// Checks an Engine.IO open packet as the suite does (<c>0{...}</c> with exactly sid, upgrades, pingInterval,
    /// pingTimeout, maxPayload, in the reference server's order, and the suite's values) and returns the sid.
    /// </summary>
    public static string AssertOpenPacket(string packet, params string[] upgrades)
    {
        Assert.StartsWith("0", packet);
        using var document = JsonDocument.Parse(packet[1..]);
        var value = document.RootElement;
        Assert.Equal(JsonValueKind.Object, value.ValueKind);
        Assert.Equal(
            ["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"],
            value.EnumerateObject().Select(p => p.Name).ToArray());
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
    /// A WebSocket to <paramref name="uri"/> must be refused with HTTP 400 before the upgrade, as engine.io's
    /// <c>verify</c> + <c>abortUpgrade</c> do for a bad transport or an unknown sid (the suite only waits for <c>close</c>).
    /// </summary>
    public static async Task AssertWebSocketRefusedAsync(Uri uri)
    {
        var attempt = await RawWebSocket.TryConnectAsync(uri);
        if (attempt.Socket is not null)
        {
            await using var socket = attempt.Socket;
            await socket.WaitForCloseAsync();
            throw new XunitException(
                $"The WebSocket upgrade to {uri} was accepted, expected HTTP 400.\nTranscript:\n{socket.Transcript}");
        }

        Assert.True(
            attempt.StatusCode == HttpStatusCode.BadRequest,
            $"Expected the upgrade to {uri} to be refused with 400, got {(int)attempt.StatusCode} ({attempt.Failure}).");
    }

    /// <summary>
    /// A WebSocket to <paramref name="uri"/> must not get a session: either the upgrade is refused with HTTP 400, or
    /// it is accepted and closed without a single frame. The reference checks the EIO version after the upgrade
    /// (engine.io <c>handshake()</c>, not <c>verify()</c>), so it does the latter; the suite only waits for <c>close</c>.
    /// </summary>
    public static async Task AssertNoSessionOverWebSocketAsync(Uri uri)
    {
        var attempt = await RawWebSocket.TryConnectAsync(uri);
        if (attempt.Socket is null)
        {
            Assert.True(
                attempt.StatusCode == HttpStatusCode.BadRequest,
                $"Expected the upgrade to {uri} to be refused with 400 (or accepted and closed), got {(int)attempt.StatusCode} ({attempt.Failure}).");
            return;
        }

        await using var socket = attempt.Socket;
        var frames = await socket.WaitForCloseAsync();
        Assert.True(frames.Count == 0, $"The WebSocket to {uri} got frames before its close.\nTranscript:\n{socket.Transcript}");
    }
}
