using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedSockets.Server.Tests.Independent;

/// <summary>A server on loopback with the handlers the independent-client tests use.</summary>
public sealed class IndependentClientHost : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTypedSockets(o => o.PingInterval = TimeSpan.FromSeconds(1));
        _app = builder.Build();
        _app.MapSocketIO("/socket.io", io =>
        {
            io.OnConnection(socket =>
            {
                socket.Emit("hello", socket.Handshake.Auth);
                socket.On("echo", e => socket.Emit("echo-back", e.Arguments.ToRawArray()));
                socket.On("ack", e => e.Ack(e.Arguments.ToRawArray()));
                socket.On("reverse", e => e.Ack(e.GetArgument<byte[]>(0)!.Reverse().ToArray()));
                socket.On("ask", async e =>
                {
                    var answer = await socket.EmitWithAckAsync<string>("question", [e.GetArgument<string>(0)], TimeSpan.FromSeconds(5));
                    socket.Emit("answer", answer);
                });
                socket.On("join", async e =>
                {
                    await socket.JoinAsync(e.GetArgument<string>(0)!);
                    e.Ack(true);
                });
                socket.On("shout", e => socket.To(e.GetArgument<string>(0)!).EmitAsync("shouted", e.GetArgument<string>(1)));
            });
            io.Of("/admin").OnConnection(socket => socket.Emit("hello-admin", socket.Namespace.Name));
        });
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        Address = new Uri(addresses.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
