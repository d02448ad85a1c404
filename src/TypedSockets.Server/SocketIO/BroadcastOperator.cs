using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.Adapters;
using TypedSockets.Server.Diagnostics;

namespace TypedSockets.Server;

/// <summary>
/// Targets sockets of a namespace (rooms, exceptions, flags) and runs an operation on them through the adapter.
/// Immutable: every modifier returns a new operator.
/// </summary>
public readonly struct BroadcastOperator
{
    private readonly SocketIONamespace _namespace;
    private readonly BroadcastOptions _options;

    internal BroadcastOperator(SocketIONamespace nsp, BroadcastOptions options)
    {
        _namespace = nsp;
        _options = options;
    }

    /// <summary>The targets and flags chosen so far.</summary>
    public BroadcastOptions Options => _options ?? BroadcastOptions.All;

    /// <summary>Adds rooms to target (union with those already targeted).</summary>
    public BroadcastOperator To(params string[] rooms) => new(_namespace, Options with { Rooms = Union(Options.Rooms, rooms) });

    /// <summary>Same as <see cref="To"/>.</summary>
    public BroadcastOperator In(params string[] rooms) => To(rooms);

    /// <summary>Excludes the members of these rooms (or these socket ids).</summary>
    public BroadcastOperator Except(params string[] rooms) => new(_namespace, Options with { Except = Union(Options.Except, rooms) });

    /// <summary>Only sockets connected to this server.</summary>
    public BroadcastOperator Local => new(_namespace, Options with { Local = true });

    /// <summary>Skip sockets that cannot take the packet right now.</summary>
    public BroadcastOperator Volatile => new(_namespace, Options with { Volatile = true });

    /// <summary>How long <see cref="EmitWithAckAsync(string, object?[])"/> waits for the replies.</summary>
    public BroadcastOperator Timeout(TimeSpan timeout) => new(_namespace, Options with { Timeout = timeout });

    /// <summary>
    /// Sends the event to every targeted socket without waiting for cluster adapters (fire and forget, as in the
    /// reference); failures are logged.
    /// </summary>
    public void Emit(string eventName, params object?[] args)
    {
        var task = EmitAsync(eventName, args);
        if (!task.IsCompletedSuccessfully)
        {
            Observe(task, _namespace);
        }
    }

    private static async void Observe(ValueTask task, SocketIONamespace nsp)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOLog.BroadcastFailed(nsp.Server.Logger, nsp.Name, e);
        }
    }

    /// <summary>Sends the event to every targeted socket; completes when the adapter has handed it on.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args)
    {
        SocketIOSocket.ThrowIfReserved(eventName);
        if (ServerActivities.IsEnabled())
        {
            return EmitTracedAsync(eventName, args);
        }

        return _namespace.Adapter.BroadcastAsync(new BroadcastPacket(_namespace.Name, eventName, args), Options);
    }

    private async ValueTask EmitTracedAsync(string eventName, object?[] args)
    {
        using var activity = ServerActivities.StartBroadcast(_namespace.Name, eventName, withAck: false);
        try
        {
            await _namespace.Adapter.BroadcastAsync(new BroadcastPacket(_namespace.Name, eventName, args), Options).ConfigureAwait(false);
        }
        catch (Exception e) when (activity is not null)
        {
            ServerActivities.SetError(activity, e);
            throw;
        }
    }

    /// <summary>
    /// Sends the event and collects every targeted socket's reply until all replied or the timeout
    /// (<see cref="Timeout"/>, else the server's <c>DefaultAckTimeout</c>) expires.
    /// </summary>
    public async Task<BroadcastAckResult> EmitWithAckAsync(string eventName, params object?[] args)
    {
        return await EmitWithAckAsync(eventName, args, CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc cref="EmitWithAckAsync(string, object?[])"/>
    public async Task<BroadcastAckResult> EmitWithAckAsync(string eventName, object?[] args, CancellationToken cancellationToken)
    {
        SocketIOSocket.ThrowIfReserved(eventName);
        var options = Options;
        var timeout = options.Timeout ?? _namespace.Server.Options.DefaultAckTimeout
            ?? throw new InvalidOperationException("A broadcast with acknowledgement needs a timeout: call Timeout(...) first, or set DefaultAckTimeout.");
        options = options with { Timeout = timeout }; // adapters (cluster requests) see the timeout in effect
        using var activity = ServerActivities.IsEnabled() ? ServerActivities.StartBroadcast(_namespace.Name, eventName, withAck: true) : null;
        try
        {
            var result = await EmitWithAckCoreAsync(eventName, args, options, timeout, cancellationToken).ConfigureAwait(false);
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag(ServerActivities.RecipientsTag, result.ExpectedCount);
                activity.SetTag(ServerActivities.ResponsesTag, result.Responses.Count);
            }

            return result;
        }
        catch (Exception e) when (activity is not null)
        {
            ServerActivities.SetError(activity, e);
            throw;
        }
    }

    private async Task<BroadcastAckResult> EmitWithAckCoreAsync(string eventName, object?[] args, BroadcastOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var serverCount = await _namespace.Adapter.ServerCountAsync().ConfigureAwait(false);
        var collector = new BroadcastAckCollector(options.Local ? 1 : serverCount);
        await _namespace.Adapter.BroadcastWithAckAsync(new BroadcastPacket(_namespace.Name, eventName, args), options, collector.OnClientCount, collector.OnAck).ConfigureAwait(false);
        return await collector.WaitAsync(timeout, _namespace.Server.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Snapshots of the targeted sockets, across the cluster unless <see cref="Local"/> was chosen.</summary>
    public ValueTask<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => _namespace.Adapter.FetchSocketsAsync(Options);

    /// <summary>Makes every targeted socket join <paramref name="rooms"/>, across the cluster unless <see cref="Local"/> was chosen.</summary>
    public ValueTask SocketsJoinAsync(params string[] rooms) => _namespace.Adapter.AddSocketsAsync(Options, rooms);

    /// <summary>Makes every targeted socket leave <paramref name="rooms"/>, across the cluster unless <see cref="Local"/> was chosen.</summary>
    public ValueTask SocketsLeaveAsync(params string[] rooms) => _namespace.Adapter.DelSocketsAsync(Options, rooms);

    /// <summary>
    /// Disconnects every targeted socket from the namespace, across the cluster unless <see cref="Local"/> was chosen;
    /// <paramref name="close"/> true also closes their underlying connections (every namespace of those clients).
    /// </summary>
    public ValueTask DisconnectSocketsAsync(bool close = false) => _namespace.Adapter.DisconnectSocketsAsync(Options, close);

    private static IReadOnlyCollection<string> Union(IReadOnlyCollection<string> existing, string[] added)
    {
        if (existing.Count == 0)
        {
            return added.Length == 1 ? [added[0]] : [.. new HashSet<string>(added, StringComparer.Ordinal)];
        }

        var set = new HashSet<string>(existing, StringComparer.Ordinal);
        set.UnionWith(added);
        return [.. set];
    }

    /// <summary>Counts expected replies from every server, completes when all arrived or on timeout.</summary>
    private sealed class BroadcastAckCollector
    {
        private readonly Lock _sync = new();
        private readonly List<SocketIOArguments> _responses = [];
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _serversPending;
        private int _expected;
        private int _missing;

        public BroadcastAckCollector(int servers) => _serversPending = servers;

        public void OnClientCount(int count)
        {
            lock (_sync)
            {
                _expected += count;
                _serversPending--;
                CheckDone();
            }
        }

        public void OnAck(SocketIOArguments? args)
        {
            lock (_sync)
            {
                if (args is null)
                {
                    _missing++;
                }
                else
                {
                    _responses.Add(args);
                }

                CheckDone();
            }
        }

        private void CheckDone()
        {
            if (_serversPending <= 0 && _responses.Count + _missing >= _expected)
            {
                _done.TrySetResult();
            }
        }

        public async Task<BroadcastAckResult> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            try
            {
                await _done.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Partial result below.
            }

            lock (_sync)
            {
                return new BroadcastAckResult([.. _responses], _expected);
            }
        }
    }
}
