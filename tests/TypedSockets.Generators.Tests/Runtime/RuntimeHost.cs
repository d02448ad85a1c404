using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server;

namespace TypedSockets.Generators.Tests.Runtime;

/// <summary>A Kestrel server on a free loopback port with the Socket.IO endpoint the runtime tests map.</summary>
internal static class RuntimeHost
{
    public static Task<(WebApplication App, Uri Address)> StartAsync(Action<SocketIOServer> map, Action<SocketIOServerOptions>? options = null) =>
        StartAsync(map, options, services: null, beforeMap: null);

    /// <summary>As above; <paramref name="services"/> adds to the services, <paramref name="beforeMap"/> adds middleware before the endpoint.</summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(
        Action<SocketIOServer> map, Action<SocketIOServerOptions>? options, Action<IServiceCollection>? services, Action<WebApplication>? beforeMap)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        beforeMap?.Invoke(app);
        app.MapSocketIO("/socket.io", map, options);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    public static async Task StopAsync(WebApplication? app)
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
