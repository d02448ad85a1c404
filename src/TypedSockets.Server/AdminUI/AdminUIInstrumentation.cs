using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.Adapters;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.AdminUI;

/// <summary>
/// The server side of the Socket.IO Admin UI for one <see cref="SocketIOServer"/>: the admin namespace and its
/// authentication, <c>config</c>, <c>server_stats</c>, the socket list and live events, and the UI's commands. Every
/// message to the UI is a broadcast on the admin namespace, so with a cluster adapter each server's statistics and
/// events reach the UIs connected to any server; the socket list and the commands go through the adapter's
/// cluster-wide operations (fetch sockets, sockets join/leave, disconnect sockets).
/// </summary>
internal sealed class AdminUIInstrumentation : ISocketIOServerObserver, IEngineTrafficObserver, IDisposable
{
    private static readonly DateTime s_processStart = GetProcessStart();

    private readonly SocketIOServer _server;
    private readonly AdminUIOptions _options;
    private readonly SocketIONamespace _admin;
    private readonly AdminUISessionStore _sessions;
    private readonly AdminUIEventBuffer _events;
    private readonly ConditionalWeakTable<SocketIOSocket, string> _newSessions = new();
    private readonly SemaphoreSlim _verifySlots = new(Math.Max(1, Environment.ProcessorCount / 2));
    private readonly object[] _supportedFeatures;
    private readonly string _serverId;
    private readonly string _hostname;
    private readonly bool _development;
    private ITimer? _statsTimer;
    private int _engineHooked;

    private AdminUIInstrumentation(SocketIOServer server, AdminUIOptions options)
    {
        _server = server;
        _options = options;
        _development = options.Mode == AdminUIMode.Development;
        _hostname = Dns.GetHostName();
        _serverId = string.IsNullOrEmpty(options.ServerId) ? _hostname : options.ServerId;
        _sessions = new AdminUISessionStore(options.TimeProvider, options.SessionDuration, options.MaxSessions);
        _events = new AdminUIEventBuffer(options.TimeProvider);
        List<object> features = options.ReadOnly ? [] : ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"];
        features.Add("AGGREGATED_EVENTS");
        if (_development)
        {
            features.Add("ALL_EVENTS");
        }

        _supportedFeatures = [.. features];
        _admin = server.Of(options.NamespaceName);
    }

    /// <summary>Validates <paramref name="options"/>, installs the instrumentation on <paramref name="server"/> and starts the statistics.</summary>
    public static AdminUIInstrumentation Install(SocketIOServer server, AdminUIOptions options)
    {
        var auth = options.Authentication ?? throw new InvalidOperationException(
            "AddAdminUI needs an explicit authentication choice: set options.Authentication to AdminUIAuthentication.Basic(\"user\", \"<bcrypt hash>\"), or to AdminUIAuthentication.None (anyone reaching the server can then watch and control its sockets).");
        ArgumentException.ThrowIfNullOrEmpty(options.NamespaceName);
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.StatsInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SessionDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSessions, 1);
        if (server.Observer is not null)
        {
            throw new InvalidOperationException("The Admin UI instrumentation is already installed on the Socket.IO server at " + server.Path + ".");
        }

        var instrumentation = new AdminUIInstrumentation(server, options);
        instrumentation.Start(auth);
        return instrumentation;
    }

    private void Start(AdminUIAuthentication auth)
    {
        if (auth.IsNone)
        {
            AdminUILog.AuthenticationDisabled(_server.Logger, _admin.Name, _options.ReadOnly ? string.Empty : " and control them (emit, join, leave, disconnect)");
        }
        else
        {
            _admin.Use(socket => Authenticate(socket, auth));
        }

        _admin.OnConnection(OnAdminConnection);

        _server.Observer = this;
        if (_development)
        {
            foreach (var nsp in _server.Namespaces)
            {
                ObserveRooms(nsp);
            }
        }

        AdminUILog.Enabled(_server.Logger, _admin.Name, auth.IsNone ? "none" : "basic", _options.Mode, _options.ReadOnly, _serverId);
        _statsTimer = _options.TimeProvider.CreateTimer(static state => ((AdminUIInstrumentation)state!).EmitStats(), this, TimeSpan.Zero, _options.StatsInterval);
        _server.Services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(static state => ((AdminUIInstrumentation)state!).Dispose(), this);
    }

    public void Dispose() => Interlocked.Exchange(ref _statsTimer, null)?.Dispose();

    // ---- Authentication ----------------------------------------------------------------------------------------------

    private async ValueTask Authenticate(SocketIOSocket socket, AdminUIAuthentication auth)
    {
        var args = socket.Handshake.AuthArguments;
        if (args.Count > 0)
        {
            if (args.TryGetStringProperty(0, "sessionId", out var sessionId) && sessionId is not null && _sessions.IsValid(sessionId))
            {
                AdminUILog.LoginAccepted(_server.Logger, _admin.Name, "session");
                return;
            }

            if (args.TryGetStringProperty(0, "username", out var username) && username is not null &&
                args.TryGetStringProperty(0, "password", out var password) && password is not null &&
                await VerifyAsync(username, password, auth).ConfigureAwait(false))
            {
                _newSessions.AddOrUpdate(socket, _sessions.Create());
                AdminUILog.LoginAccepted(_server.Logger, _admin.Name, "password");
                return;
            }
        }

        AdminUILog.LoginRefused(_server.Logger, _admin.Name);
        throw new SocketConnectException("invalid credentials");
    }

    /// <summary>
    /// bcrypt runs for every attempt with a user name and a password (also for a wrong user name, so that the time taken
    /// does not tell which names exist), on the thread pool, at most <see cref="_verifySlots"/> at once: a flood of
    /// logins waits for a slot (and the connect timeout) instead of taking every core.
    /// </summary>
    private async Task<bool> VerifyAsync(string username, string password, AdminUIAuthentication auth)
    {
        var userMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(username), Encoding.UTF8.GetBytes(auth.Username!));
        await _verifySlots.WaitAsync().ConfigureAwait(false);
        try
        {
            var passwordMatches = await Task.Run(() => AdminUIPassword.Verify(password, auth.PasswordHash!)).ConfigureAwait(false);
            return userMatches & passwordMatches;
        }
        finally
        {
            _verifySlots.Release();
        }
    }

    // ---- The admin namespace ---------------------------------------------------------------------------------------

    private async ValueTask OnAdminConnection(SocketIOSocket socket)
    {
        if (_newSessions.TryGetValue(socket, out var sessionId))
        {
            _newSessions.Remove(socket);
            socket.Emit("session", sessionId);
        }

        if (!_options.ReadOnly)
        {
            RegisterCommands(socket);
        }

        socket.Emit("config", new Dictionary<string, object?> { ["supportedFeatures"] = _supportedFeatures });
        if (_development)
        {
            object?[] sockets;
            try
            {
                sockets = await FetchAllSocketsAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                AdminUILog.EmitFailed(_server.Logger, "all_sockets", _admin.Name, e);
                return;
            }

            socket.Emit("all_sockets", [sockets]);
        }
    }

    private async Task<object?[]> FetchAllSocketsAsync()
    {
        var result = new List<object?>();
        foreach (var nsp in _server.Namespaces)
        {
            if (nsp is SocketIOParentNamespace)
            {
                continue;
            }

            foreach (var remote in await nsp.FetchSocketsAsync().ConfigureAwait(false))
            {
                result.Add(AdminUISocketSerializer.Serialize(remote, nsp.Name, _server));
            }
        }

        return [.. result];
    }

    private void RegisterCommands(SocketIOSocket socket)
    {
        // emit(nsp, filter, ev, ...args): filter is a room (a socket id is a room), absent for the whole namespace.
        socket.On("emit", e => RunCommand(e, "emit", static (target, e) =>
        {
            var eventName = StringArgument(e.Arguments, 2);
            if (string.IsNullOrEmpty(eventName))
            {
                throw new ArgumentException("the event name is missing");
            }

            var args = e.Arguments.ToRawArray()[3..];
            return target.EmitAsync(eventName, args);
        }));

        // join(nsp, room, filter) / leave(nsp, room, filter)
        socket.On("join", e => RunCommand(e, "join", static (target, e) => target.SocketsJoinAsync(RoomArgument(e))));
        socket.On("leave", e => RunCommand(e, "leave", static (target, e) => target.SocketsLeaveAsync(RoomArgument(e))));

        // _disconnect(nsp, close, filter)
        socket.On("_disconnect", e => RunCommand(e, "_disconnect", static (target, e) =>
            target.DisconnectSocketsAsync(BoolArgument(e.Arguments, 1))));
    }

    private static string RoomArgument(SocketIOEvent e) =>
        StringArgument(e.Arguments, 1) is { Length: > 0 } room ? room : throw new ArgumentException("the room is missing");

    /// <summary>Argument <paramref name="index"/> when it is a string; null when it is missing, null or anything else.</summary>
    private static string? StringArgument(SocketIOArguments args, int index)
    {
        if (index >= args.Count || args.IsNull(index))
        {
            return null;
        }

        try
        {
            return args.Get<string>(index);
        }
        catch (SocketIOBindingException)
        {
            return null;
        }
    }

    private static bool BoolArgument(SocketIOArguments args, int index)
    {
        if (index >= args.Count || args.IsNull(index))
        {
            return false;
        }

        try
        {
            return args.Get<bool>(index);
        }
        catch (SocketIOBindingException)
        {
            return false;
        }
    }

    /// <summary>Runs one UI command on the namespace and room it names; bad input is logged and ignored, never thrown at the admin socket.</summary>
    private async ValueTask RunCommand(SocketIOEvent e, string command, Func<BroadcastOperator, SocketIOEvent, ValueTask> action)
    {
        var nspName = StringArgument(e.Arguments, 0);
        // The filter is the last argument of join/leave/_disconnect and the second of emit.
        var filterIndex = command == "emit" ? 1 : 2;
        var filter = StringArgument(e.Arguments, filterIndex);
        var target = nspName is null ? null : FindNamespace(nspName);
        if (target is null)
        {
            // Unlike io.of(nsp), an unknown name creates nothing.
            AdminUILog.CommandIgnored(_server.Logger, command, e.Socket.Id, "unknown namespace " + (nspName ?? "(none)"));
            return;
        }

        AdminUILog.Command(_server.Logger, command, e.Socket.Id, target.Name, filter);
        try
        {
            await action(string.IsNullOrEmpty(filter) ? target.All : target.To(filter), e).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            AdminUILog.CommandFailed(_server.Logger, command, e.Socket.Id, ex);
        }
    }

    private SocketIONamespace? FindNamespace(string name)
    {
        foreach (var nsp in _server.Namespaces)
        {
            if (nsp.Name == name && nsp is not SocketIOParentNamespace)
            {
                return nsp;
            }
        }

        return null;
    }

    // ---- Statistics --------------------------------------------------------------------------------------------------

    private void EmitStats()
    {
        // A timer callback must not throw (it would end the process).
        try
        {
            EmitStatsCore();
        }
        catch (Exception e)
        {
            AdminUILog.EmitFailed(_server.Logger, "server_stats", _admin.Name, e);
        }
    }

    private void EmitStatsCore()
    {
        var engine = _server.Engine;
        HookEngine(engine);
        var pollingCount = 0;
        if (engine is not null)
        {
            foreach (var connection in engine.Connections)
            {
                if (connection.Transport == EngineTransportNames.Polling)
                {
                    pollingCount++;
                }
            }
        }

        var namespaces = new List<object?>();
        foreach (var nsp in _server.Namespaces)
        {
            if (nsp is not SocketIOParentNamespace)
            {
                namespaces.Add(new Dictionary<string, object?> { ["name"] = nsp.Name, ["socketsCount"] = nsp.LocalSockets.Count });
            }
        }

        var stats = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["serverId"] = _serverId,
            ["hostname"] = _hostname,
            ["pid"] = Environment.ProcessId,
            ["uptime"] = Math.Max(0, (DateTime.UtcNow - s_processStart).TotalSeconds),
            ["clientsCount"] = engine?.Count ?? 0,
            ["pollingClientsCount"] = pollingCount,
            ["aggregatedEvents"] = _events.Drain(),
            ["namespaces"] = namespaces.ToArray(),
        };
        Broadcast("server_stats", stats);
    }

    private void HookEngine(EngineIOServer? engine)
    {
        // The engine is created after MapSocketIO's callback (where AddAdminUI runs): hooked on first sight.
        if (engine is not null && Volatile.Read(ref _engineHooked) == 0 && Interlocked.Exchange(ref _engineHooked, 1) == 0)
        {
            engine.TrafficObserver = this;
        }
    }

    private static DateTime GetProcessStart()
    {
        try
        {
            using var process = Process.GetCurrentProcess();
            return process.StartTime.ToUniversalTime();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return DateTime.UtcNow;
        }
    }

    // ---- Live events -----------------------------------------------------------------------------------------------

    /// <summary>Sends an event to every UI (of every server of a cluster); failures are logged.</summary>
    private void Broadcast(string eventName, params object?[] args)
    {
        ValueTask task;
        try
        {
            task = _admin.EmitAsync(eventName, args);
        }
        catch (Exception e)
        {
            AdminUILog.EmitFailed(_server.Logger, eventName, _admin.Name, e);
            return;
        }

        if (!task.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(task, eventName);
        }
    }

    private async Task ObserveAsync(ValueTask task, string eventName)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            AdminUILog.EmitFailed(_server.Logger, eventName, _admin.Name, e);
        }
    }

    private string Now() => AdminUISocketSerializer.Timestamp(_options.TimeProvider);

    void ISocketIOServerObserver.ConnectionOpened(EngineConnection connection)
    {
        HookEngine(_server.Engine);
        _events.Add("rawConnection");
    }

    void ISocketIOServerObserver.ConnectionClosed(EngineConnection connection, string reason) => _events.Add("rawDisconnection", reason);

    void ISocketIOServerObserver.NamespaceCreated(SocketIONamespace nsp)
    {
        if (_development)
        {
            ObserveRooms(nsp);
        }
    }

    private void ObserveRooms(SocketIONamespace nsp)
    {
        if (nsp is SocketIOParentNamespace)
        {
            return;
        }

        var name = nsp.Name;
        nsp.Adapter.RoomJoined += (room, id) => Broadcast("room_joined", name, room, id, Now());
        nsp.Adapter.RoomLeft += (room, id) => Broadcast("room_left", name, room, id, Now());
    }

    void ISocketIOServerObserver.SocketConnected(SocketIOSocket socket)
    {
        if (!_development)
        {
            return;
        }

        var nsp = socket.Namespace.Name;
        socket.Data[AdminUISocketSerializer.AdminDataKey] = AdminUISocketSerializer.AdminData(socket);
        Broadcast("socket_connected", AdminUISocketSerializer.Serialize(socket), Now());
        if (socket.Namespace != _admin)
        {
            socket.OnAny(e =>
            {
                var args = new object?[e.Arguments.Count + 1];
                args[0] = e.Name;
                for (var i = 0; i < e.Arguments.Count; i++)
                {
                    args[i + 1] = e.Arguments.GetRaw(i);
                }

                Broadcast("event_received", nsp, socket.Id, args, Now());
                return ValueTask.CompletedTask;
            });
            socket.OnAnyOutgoing((eventName, eventArgs) => Broadcast("event_sent", nsp, socket.Id, (object?[])[eventName, .. eventArgs], Now()));
        }

        socket.OnDisconnect(reason => Broadcast("socket_disconnected", nsp, socket.Id, reason, Now()));
    }

    // ---- Engine traffic ----------------------------------------------------------------------------------------------

    void IEngineTrafficObserver.Received(long packets, long bytes)
    {
        _events.Add("packetsIn", null, packets);
        _events.Add("bytesIn", null, bytes);
    }

    void IEngineTrafficObserver.Sent(long packets, long bytes)
    {
        _events.Add("packetsOut", null, packets);
        _events.Add("bytesOut", null, bytes);
    }

    void IEngineTrafficObserver.Upgraded(EngineConnection connection)
    {
        if (!_development || connection.State is not SocketIOConnection client)
        {
            return;
        }

        foreach (var socket in client.ConnectedSockets)
        {
            if (socket.DataIfCreated is { } data)
            {
                data[AdminUISocketSerializer.AdminDataKey] = AdminUISocketSerializer.AdminData(socket);
            }

            Broadcast("socket_updated", new Dictionary<string, object?>
            {
                ["id"] = socket.Id,
                ["nsp"] = socket.Namespace.Name,
                ["transport"] = connection.Transport,
            });
        }
    }
}
