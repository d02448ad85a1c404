using System.Globalization;

namespace TypedSockets.ConformanceServer;

/// <summary>
/// Serves exactly the setup the official Engine.IO v4 / Socket.IO v5 test suites expect.
/// <c>--port N</c> (default 3000; 0 picks a free port), <c>--mode socketio|engineio</c> (default socketio),
/// <c>--parser json|msgpack</c> (default json; the Socket.IO packet format of socketio mode).
/// <c>--redis &lt;connection string&gt;</c> and <c>--adapter redis|redis-streams</c> (default redis) make it a node of a
/// Redis cluster (socketio mode).
/// </summary>
public static class ConformanceHost
{
    public static WebApplication Build(string[] args)
    {
        var port = 3000;
        var mode = "socketio";
        var parser = "json";
        string? redis = null;
        string? adapter = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--port": port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); i++; break;
                case "--mode": mode = args[i + 1]; i++; break;
                case "--parser": parser = args[i + 1]; i++; break;
                case "--redis": redis = args[i + 1]; i++; break;
                case "--adapter": adapter = args[i + 1]; i++; break;
            }
        }

        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.SetIsOriginAllowed(_ => true).AllowAnyHeader().AllowAnyMethod().AllowCredentials()));

        var app = mode switch
        {
            "engineio" => EngineIOMode.Configure(builder),
            "socketio" => SocketIOMode.Configure(builder, redis, adapter, SocketIOMode.CreateParser(parser)),
            _ => throw new ArgumentException($"Unknown mode '{mode}': use socketio or engineio."),
        };
        return app;
    }

    /// <summary>The address the started app listens on (useful with --port 0).</summary>
    public static Uri GetAddress(WebApplication app)
    {
        var server = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!;
        return new Uri(addresses.Addresses.First());
    }
}
