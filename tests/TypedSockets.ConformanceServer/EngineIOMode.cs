using System.Buffers;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.ConformanceServer;

/// <summary>
/// Engine.IO mode: <c>/engine.io/</c> with the official suite's settings (pingInterval 300 ms, pingTimeout 200 ms,
/// maxPayload 1,000,000), CORS for any origin, echoing every message back (text and binary).
/// </summary>
internal static class EngineIOMode
{
    public static WebApplication Configure(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseCors(); // the default policy of ConformanceHost: any origin, with credentials
        app.MapEngineIO("/engine.io", new EchoHandler(), ConfigureOptions);
        return app;
    }

    public static void ConfigureOptions(EngineIOOptions options)
    {
        options.PingInterval = TimeSpan.FromMilliseconds(300);
        options.PingTimeout = TimeSpan.FromMilliseconds(200);
        options.MaxHttpBufferSize = 1_000_000;
    }

    /// <summary>Sends every message back as it came.</summary>
    internal sealed class EchoHandler : IEngineConnectionHandler
    {
        public void OnOpen(EngineConnection connection)
        {
        }

        public void OnMessage(EngineConnection connection, in ReadOnlySequence<byte> data, bool isBinary) =>
            connection.TrySend(new EngineMessage(data.ToArray(), isBinary));

        public void OnClose(EngineConnection connection, string reason, Exception? error)
        {
        }
    }
}
