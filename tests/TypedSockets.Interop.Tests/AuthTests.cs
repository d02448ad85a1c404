using TypedSockets.Interop.Tests.Infrastructure;
using TypedSockets.Server;
using Xunit.Abstractions;

namespace TypedSockets.Interop.Tests;

/// <summary>The client's <c>auth</c> option seen by connect middlewares, which accept or refuse the connection.</summary>
public sealed class AuthTests(ITestOutputHelper output)
{
    public static TheoryData<string> Transports => ClientTransport.All;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MiddlewareAcceptsTheClientsAuthPayload(string transport)
    {
        await using var server = await InteropServer.StartAsync(io =>
        {
            io.Use(socket =>
            {
                var auth = socket.Handshake.GetAuth<Credentials>();
                if (auth?.Token != "s3cret")
                {
                    throw new SocketConnectException("not authorized", new { code = 42 });
                }

                socket.Data["user"] = auth.User;
                return ValueTask.CompletedTask;
            });
            io.OnConnection(socket => socket.Emit("hello", socket.Data["user"], socket.Handshake.Auth));
        }, output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output, auth: new { token = "s3cret", user = "ann" });

        await client.WaitForAsync("connect", "c0");
        var hello = await client.WaitForAsync("event", "c0", "hello");
        Assert.Equal("ann", hello.Arg(0).GetString());
        Assert.Equal("""{"token":"s3cret","user":"ann"}""", hello.Arg(1).GetRawText());
        Assert.DoesNotContain(client.Observations, o => o.Type == "connect_error");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MiddlewareRefusalReachesTheClientAsConnectErrorWithMessageAndData(string transport)
    {
        var connections = new Recorder<SocketIOSocket>();
        var refused = new Recorder<string>();
        await using var server = await InteropServer.StartAsync(io =>
        {
            io.Use(socket =>
            {
                if (socket.Handshake.GetAuth<Credentials>()?.Token != "s3cret")
                {
                    refused.Add(socket.Id);
                    throw new SocketConnectException("not authorized", new { code = 42 });
                }

                return ValueTask.CompletedTask;
            });
            io.OnConnection(connections.Add);
        }, output);
        await using var client = await NodeClient.StartAsync("single", server.Url, transport, output, auth: new { token = "wrong" });

        var error = await client.WaitForAsync("connect_error", "c0");
        Assert.Equal("not authorized", error.String("message"));
        Assert.Equal("""{"code":42}""", error.Json.GetProperty("data").GetRawText());
        await refused.WaitForAsync("the middleware's refusal");

        // A refused namespace connection is final: the client does not retry it by itself, and no socket was created.
        await client.AssertNoneDuringAsync(o => o.Type is "connect" or "reconnect_attempt", TimeSpan.FromMilliseconds(500), "connection after the refusal");
        Assert.Single(client.Observations, o => o.Type == "connect_error");
        Assert.Empty(connections.Items);
        Assert.Single(refused.Items);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task HandshakeCarriesTheClientsQueryAndHeaders(string transport)
    {
        await using var server = await InteropServer.StartAsync(io => io.OnConnection(socket =>
        {
            var handshake = socket.Handshake;
            socket.Emit("handshake", new
            {
                room = handshake.Query["room"].ToString(),
                eio = handshake.Query["EIO"].ToString(),
                header = handshake.Headers["x-interop"].ToString(),
                address = handshake.Address,
                path = handshake.HttpContext.Request.Path.Value,
            });
        }), output);
        await using var client = await NodeClient.StartAsync(
            "single", server.Url, transport, output, options: new { query = new { room = "blue" }, extraHeaders = new Dictionary<string, string> { ["x-interop"] = "yes" } });

        var handshake = (await client.WaitForAsync("event", "c0", "handshake")).Arg(0);
        Assert.Equal("blue", handshake.GetProperty("room").GetString());
        Assert.Equal("4", handshake.GetProperty("eio").GetString());
        Assert.Equal("yes", handshake.GetProperty("header").GetString());
        Assert.Equal("127.0.0.1", handshake.GetProperty("address").GetString());
        Assert.Equal("/socket.io/", handshake.GetProperty("path").GetString());
    }

    // Both optional: a constructor parameter without a default is required on the wire (RespectRequiredConstructorParameters).
    private sealed record Credentials(string? Token = null, string? User = null);
}
