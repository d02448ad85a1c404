using System.Collections.Concurrent;
using System.Security.Claims;
using Chat.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SocketIOClient;
using SocketIOClient.Transport;
using TypedSockets.Server;

namespace TypedSockets.Generators.Tests.Runtime;

/// <summary>
/// Typed hub features over real Kestrel with an independent client (NuGet SocketIOClient): the hub context used from
/// outside the hub, user targeting, the caller's volatile and timeout variants, and typed per-socket data.
/// </summary>
public sealed class HubFeatureTests : IAsyncLifetime
{
    private WebApplication? _app;
    private Uri _address = null!;

    public sealed class Profile
    {
        public string? Name { get; set; }

        public int Joins { get; set; }
    }

    /// <summary>Keeps a <see cref="Profile"/> per socket; greets volatilely; asks with a short timeout when told to.</summary>
    public sealed class ProfileHub : SocketHub<IChatServer, IChatClient, Profile>, IChatServer
    {
        public static readonly ConcurrentDictionary<string, TaskCompletionSource<Exception>> AskOutcomes = new();

        public void Send(string room, string text)
        {
            if (text == "ask")
            {
                var outcome = AskOutcomes.GetOrAdd(Socket.Id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
                _ = AskAsync(outcome);
            }
        }

        public Task<JoinResult> Join(string room)
        {
            Data.Joins++;
            return Task.FromResult(new JoinResult(room, Data.Joins));
        }

        public override ValueTask OnConnectedAsync()
        {
            Data.Name = Socket.UserId;
            VolatileCaller.UserJoined("volatile welcome", 0);
            return ValueTask.CompletedTask;
        }

        private async Task AskAsync(TaskCompletionSource<Exception> outcome)
        {
            try
            {
                await CallerWithTimeout(TimeSpan.FromMilliseconds(200)).ConfirmLeave("no answer expected", CancellationToken.None);
                outcome.TrySetException(new InvalidOperationException("The client answered."));
            }
            catch (Exception e)
            {
                outcome.TrySetResult(e);
            }
        }
    }

    public sealed class TwiceHub : SocketHub<IChatServer, IChatClient>, IChatServer
    {
        public void Send(string room, string text)
        {
        }

        public Task<JoinResult> Join(string room) => Task.FromResult(new JoinResult(room, 0));
    }

    public sealed class UnmappedHub : SocketHub<IChatServer, IChatClient>, IChatServer
    {
        public void Send(string room, string text)
        {
        }

        public Task<JoinResult> Join(string room) => Task.FromResult(new JoinResult(room, 0));
    }

    public async Task InitializeAsync() =>
        (_app, _address) = await RuntimeHost.StartAsync(
            io =>
            {
                io.MapNamespace<ProfileHub>("/profiles");
                io.MapNamespace<TwiceHub>("/twice-a");
                io.MapNamespace<TwiceHub>("/twice-b");
            },
            options: null,
            services: null,
            beforeMap: app => app.Use((context, next) =>
            {
                // Stands in for authentication: the handshake's user is named by the query string.
                if (context.Request.Query["user"] is [{ } user])
                {
                    context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], "test"));
                }

                return next(context);
            }));

    public Task DisposeAsync() => RuntimeHost.StopAsync(_app);

    private ISocketHubContext<ProfileHub, IChatClient> Context => _app!.Services.GetRequiredService<ISocketHubContext<ProfileHub, IChatClient>>();

    private async Task<(SocketIOClient.SocketIO Client, Task<SocketIOResponse> Welcome)> ConnectAsync(string? user)
    {
        var client = new SocketIOClient.SocketIO(new Uri(_address, "/profiles"), new SocketIOOptions
        {
            EIO = 4,
            Transport = TransportProtocol.WebSocket,
            Reconnection = false,
            ConnectionTimeout = TimeSpan.FromSeconds(5),
            Query = user is null ? null : new List<KeyValuePair<string, string>> { new("user", user) },
        });
        var welcome = Next(client, "user:joined", r => r.GetValue<string>(0) == "volatile welcome");
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnConnected += (_, _) => connected.TrySetResult();
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return (client, welcome);
    }

    private static Task<SocketIOResponse> Next(SocketIOClient.SocketIO client, string name, Func<SocketIOResponse, bool>? where = null)
    {
        var tcs = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On(name, r =>
        {
            if (where is null || where(r))
            {
                tcs.TrySetResult(r);
            }
        });
        return tcs.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task HubContextReachesTheHubsClientsFromOutsideTheHub()
    {
        var (client, welcome) = await ConnectAsync(user: null);
        using var _ = client;
        await welcome;

        Assert.Equal("/profiles", Context.Namespace.Name);
        await Context.AddToRoomAsync(client.Id, "outside");
        Assert.Equal(new[] { client.Id }, (await Context.FetchSocketsAsync("outside")).Select(s => s.Id));

        var got = Next(client, "user:joined", r => r.GetValue<string>(0) == "from a background service");
        Context.Clients.To("outside").UserJoined("from a background service", 7);
        Assert.Equal(7, (await got).GetValue<int>(1));

        await Context.RemoveFromRoomAsync(client.Id, "outside");
        Assert.Empty(await Context.FetchSocketsAsync("outside"));
    }

    [Fact]
    public void HubContextOfAnUnmappedHubThrowsAClearErrorWhenUsed()
    {
        var context = _app!.Services.GetRequiredService<ISocketHubContext<UnmappedHub, IChatClient>>();
        var error = Assert.Throws<InvalidOperationException>(() => context.Namespace);
        Assert.Contains("is not mapped: call io.MapNamespace<UnmappedHub>(...)", error.Message);
    }

    [Fact]
    public void HubContextOfAHubMappedTwiceNamesBothNamespaces()
    {
        var context = _app!.Services.GetRequiredService<ISocketHubContext<TwiceHub, IChatClient>>();
        var error = Assert.Throws<InvalidOperationException>(() => context.Clients);
        Assert.Contains("'/twice-a' at '/socket.io', '/twice-b' at '/socket.io'", error.Message);
    }

    [Fact]
    public void HubContextWithAnotherClientContractThanTheHubsIsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _app!.Services.GetRequiredService<ISocketHubContext<ProfileHub, IChatServer>>());
        Assert.Contains("inject ISocketHubContext<ProfileHub, IChatClient>", error.Message);
    }

    [Fact]
    public async Task ClientsUserReachesEveryConnectionOfThatUserOnly()
    {
        var (ada1, w1) = await ConnectAsync("ada");
        var (ada2, w2) = await ConnectAsync("ada");
        var (bob, w3) = await ConnectAsync("bob");
        using var d1 = ada1;
        using var d2 = ada2;
        using var d3 = bob;
        await Task.WhenAll(w1, w2, w3);

        var socket = Context.Namespace.Sockets[ada1.Id];
        Assert.Equal("ada", socket.UserId);
        Assert.Contains(SocketUsers.RoomOf("ada"), socket.Rooms);
        Assert.Equal("typedsockets:user:ada", SocketUsers.RoomOf("ada"));

        var bobGot = new ConcurrentQueue<string>();
        bob.On("user:joined", r => bobGot.Enqueue(r.GetValue<string>(0)));
        var toAda1 = Next(ada1, "user:joined", r => r.GetValue<string>(0) == "for ada");
        var toAda2 = Next(ada2, "user:joined", r => r.GetValue<string>(0) == "for ada");
        Context.Clients.User("ada").UserJoined("for ada", 1);
        await Task.WhenAll(toAda1, toAda2);

        var bobMarker = Next(bob, "user:joined", r => r.GetValue<string>(0) == "for bob or ada");
        var adaMarker = Next(ada1, "user:joined", r => r.GetValue<string>(0) == "for bob or ada");
        Context.Clients.Users("bob", "ada").UserJoined("for bob or ada", 2);
        await Task.WhenAll(bobMarker, adaMarker);
        Assert.DoesNotContain("for ada", bobGot);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => socket.JoinAsync(SocketUsers.RoomOf("bob")).AsTask());
        Assert.Contains("is a user room", refused.Message);
    }

    [Fact]
    public async Task ASocketWithoutAUserJoinsNoUserRoom()
    {
        var (client, welcome) = await ConnectAsync(user: null);
        using var _ = client;
        await welcome;
        var socket = Context.Namespace.Sockets[client.Id];
        Assert.Null(socket.UserId);
        Assert.Equal(new[] { client.Id }, socket.Rooms);
    }

    [Fact]
    public async Task VolatileCallerDeliversAndCallerWithTimeoutGivesUpOnASilentClient()
    {
        var (client, welcome) = await ConnectAsync("carol");
        using var _ = client;
        Assert.Equal(0, (await welcome).GetValue<int>(1)); // sent through VolatileCaller in OnConnectedAsync

        var asked = Next(client, "confirmLeave"); // the client does not acknowledge
        var outcome = ProfileHub.AskOutcomes.GetOrAdd(client.Id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        await client.EmitAsync("send", "room", "ask");
        await asked;
        var error = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsType<SocketAckTimeoutException>(error);
    }

    [Fact]
    public async Task TypedDataLivesOnTheSocketAndComesBackFromFetchSockets()
    {
        var (client, welcome) = await ConnectAsync("dora");
        using var _ = client;
        await welcome;
        foreach (var room in new[] { "r1", "r2" })
        {
            var joined = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            await client.EmitAsync("join", r => joined.TrySetResult(r), room);
            await joined.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        var fetched = Assert.Single(await Context.FetchSocketsAsync(client.Id));
        var profile = fetched.GetData<Profile>();
        Assert.NotNull(profile);
        Assert.Equal("dora", profile.Name);
        Assert.Equal(2, profile.Joins);

        // As other servers of a cluster see it: the JSON parser's form of the object.
        Assert.Equal("dora", ((System.Text.Json.JsonElement)fetched.Data["name"]!).GetString());
        Assert.Equal(2, ((System.Text.Json.JsonElement)fetched.Data["joins"]!).GetInt32());
        Assert.Equal(2, fetched.GetData<Dictionary<string, object>>()!.Count);
    }
}
