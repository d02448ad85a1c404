using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Protocol.SocketIO.MessagePack;
using TypedSockets.Server;

namespace TypedSockets.ConformanceServer;

/// <summary>
/// Socket.IO mode: <c>/socket.io/</c> with the settings the official v5 suite expects (ping 300/200 ms, connect timeout
/// 1 s, CORS any origin). On connect to "/" and "/custom" the server emits <c>auth</c> with the handshake auth; it echoes
/// <c>message</c> as <c>message-back</c> and acknowledges <c>message-with-ack</c> with its arguments. Other namespaces are refused.
/// As a cluster node (<c>--redis</c>), it also re-emits <c>broadcast</c> to every client of the namespace across the
/// cluster as <c>broadcast-back</c> with the same arguments.
/// </summary>
internal static class SocketIOMode
{
    /// <summary>The parser named by <c>--parser</c>: "json" (npm socket.io-parser) or "msgpack" (npm socket.io-msgpack-parser).</summary>
    public static SocketIOParser CreateParser(string name) => name switch
    {
        "json" => JsonSocketIOParser.Default,
        "msgpack" => MessagePackSocketIOParser.Default,
        _ => throw new ArgumentException($"Unknown parser '{name}': use json or msgpack."),
    };

    public static WebApplication Configure(WebApplicationBuilder builder, string? redis = null, string? adapter = null, SocketIOParser? parser = null)
    {
        var typedSockets = builder.Services.AddTypedSockets(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(300);
            o.PingTimeout = TimeSpan.FromMilliseconds(200);
            o.MaxHttpBufferSize = 1_000_000;
            o.ConnectTimeout = TimeSpan.FromMilliseconds(1000);
        });
        if (redis is not null)
        {
            typedSockets.AddRedisCluster(redis, adapter);
        }

        var app = builder.Build();
        app.UseCors();
        app.MapSocketIO("/socket.io", io =>
        {
            io.Of("/").OnConnection(OnConnection);
            io.Of("/custom").OnConnection(OnConnection);
            if (redis is not null)
            {
                io.Of("/").OnConnection(OnClusterConnection);
                io.Of("/custom").OnConnection(OnClusterConnection);
            }
        }, o => o.Parser = parser ?? JsonSocketIOParser.Default);
        return app;
    }

    private static void OnClusterConnection(SocketIOSocket socket) =>
        socket.On("broadcast", e => socket.Namespace.EmitAsync("broadcast-back", e.Arguments.ToRawArray()));

    private static void OnConnection(SocketIOSocket socket)
    {
        socket.Emit("auth", socket.Handshake.Auth);
        socket.On("message", e => socket.Emit("message-back", e.Arguments.ToRawArray()));
        socket.On("message-with-ack", e => e.Ack(e.Arguments.ToRawArray()));
    }
}
