using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.ConformanceServer;
using TypedSockets.Server;

namespace TypedSockets.Redis.Tests;

/// <summary>The streams adapter reports a kept session that Redis expires unrecovered, and only those.</summary>
public sealed class SessionExpiryTests
{
    private static async Task<(WebApplication App, SocketIOServer Io)> StartNodeAsync(RedisServer redis)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets(o => o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromSeconds(1.5) })
            .AddRedisStreamsAdapter(redis.ConnectionString);
        var app = builder.Build();
        app.MapSocketIO("/socket.io", io => io.OnConnection(s => s.Emit("hello")));
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<SocketIOServer>());
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        while (true)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
            if (text == "2")
            {
                await socket.SendAsync("3"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
                continue;
            }

            return text;
        }
    }

    /// <summary>Connects over a raw WebSocket; returns the socket, its sid and pid, and the offset of the "hello" event.</summary>
    private static async Task<(ClientWebSocket Socket, string Sid, string Pid, string Offset)> ConnectAsync(Uri url, string connect = "40")
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{url.Authority}/socket.io/?EIO=4&transport=websocket"), CancellationToken.None);
        Assert.StartsWith("0{", await ReceiveAsync(socket));
        await socket.SendAsync(Encoding.UTF8.GetBytes(connect), WebSocketMessageType.Text, true, CancellationToken.None);
        string? sid = null, pid = null, offset = null;
        while (sid is null || offset is null)
        {
            var packet = await ReceiveAsync(socket);
            if (packet.StartsWith("40", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(packet[2..]);
                sid = doc.RootElement.GetProperty("sid").GetString();
                pid = doc.RootElement.GetProperty("pid").GetString();
            }
            else if (packet.StartsWith("42[\"hello\"", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(packet[2..]);
                offset = doc.RootElement[1].GetString();
            }
        }

        return (socket, sid, pid!, offset);
    }

    [Fact]
    public async Task AnUnrecoveredSessionIsReportedWhenItExpiresAndARecoveredOneIsNot()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var (app, io) = await StartNodeAsync(redis);
        await using var _ = app;
        var expired = new System.Collections.Concurrent.ConcurrentQueue<string>();
        io.Sockets.Adapter.SessionExpired += s => expired.Enqueue(s.Sid);
        var url = ConformanceHost.GetAddress(app);

        var (lost, lostSid, _, _) = await ConnectAsync(url);
        var (kept, keptSid, keptPid, keptOffset) = await ConnectAsync(url);
        var (sentinel, sentinelSid, _, _) = await ConnectAsync(url);
        lost.Abort();
        kept.Abort();
        // A socket leaves its namespace once its session is stored (and its expiry watch started).
        await Eventually.TrueAsync(() => io.Sockets.Sockets.Count == 1, "the two aborted sockets have left");

        // Recover one of the two sessions; the other expires.
        var (recovered, recoveredSid, _, _) = await ConnectAsync(url, $"40{{\"pid\":\"{keptPid}\",\"offset\":\"{keptOffset}\"}}");
        Assert.Equal(keptSid, recoveredSid);
        await Eventually.TrueAsync(() => expired.Contains(lostSid), "the lost session is reported expired");

        // Sentinel instead of a sleep: a session dropped only now is reported a whole TTL later, long after the kept
        // session's watch (started with the lost one's) has decided; a wrong report of it would come first.
        sentinel.Abort();
        await Eventually.TrueAsync(() => expired.Contains(sentinelSid), "the sentinel session is reported expired");
        Assert.Equal([lostSid, sentinelSid], expired.ToArray());
        recovered.Dispose();
    }
}
