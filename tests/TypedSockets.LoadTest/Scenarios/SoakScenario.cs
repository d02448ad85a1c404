using System.Diagnostics;
using System.Globalization;
using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Protocols;
using TypedSockets.LoadTest.Reporting;
using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Scenarios;

/// <summary>
/// Soak: N clients against the soak target (<c>SoakHub</c>, connection state recovery on) for a duration, with mixed
/// traffic: acknowledged requests, room broadcasts (each room numbers its broadcasts), joins and leaves, and churn (a
/// share of the clients per second drop their TCP connection abruptly and reconnect with their session's pid and last
/// offset, as the Socket.IO client does). It counts acknowledgements lost, sequence gaps in every room a client is in,
/// reconnects that were not recovered, and disconnects it did not cause; it samples the server's RSS and fits a line to
/// it after the warm-up. Each client has at most one call in flight and only idle clients are dropped, so a lost
/// acknowledgement is always a fault.
/// </summary>
public sealed class SoakScenario : ISoakEvents
{
    private const int MaxLogged = 20;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly ScenarioOptions _options;
    private readonly SoakOptions _soak;
    private readonly SoakProtocol _protocol = new();
    private readonly SoakClient[] _clients;
    private readonly string[] _roomNames;
    private readonly long[] _lastPublished;
    private readonly Random _random;
    private readonly SemaphoreSlim _connectSlots;
    private readonly List<SoakSample> _samples = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private CancellationToken _stopping;
    private string _phase = "connect";
    private int _reconnectsInFlight;
    private int _logged;

    private long _requests, _joins, _leaves, _publishes, _answered, _lost, _ackErrors;
    private long _received, _replayed, _gaps, _duplicates, _replayedFromBeforeJoin, _withoutOffset;
    private long _drops, _reconnects, _reconnectFailures, _recovered, _recoveryFailures, _freshByDesign;
    private long _unexpectedDisconnects, _unexpectedPackets, _skipped;

    public SoakScenario(ScenarioOptions options, SoakOptions soak)
    {
        _options = options;
        _soak = soak;
        _clients = new SoakClient[options.Clients];
        for (var i = 0; i < _clients.Length; i++)
        {
            _clients[i] = new SoakClient(i);
        }

        var rooms = soak.Rooms ?? Math.Max(4, options.Clients / 50);
        _roomNames = [.. Enumerable.Range(0, rooms).Select(i => "r" + i.ToString(CultureInfo.InvariantCulture))];
        _lastPublished = new long[rooms];
        _random = new Random(soak.Seed);
        _connectSlots = new SemaphoreSlim(options.ConnectConcurrency);
    }

    private double RequestRate => _soak.RequestRate ?? _options.Clients / 10.0;

    private double PublishRate => _soak.PublishRate ?? Math.Max(1, _options.Clients / 500.0);

    private double JoinLeaveRate => _soak.JoinLeaveRate ?? Math.Max(1, _options.Clients / 200.0);

    private double ChurnRate => _options.Clients * _soak.ChurnPercentPerSecond / 100.0;

    /// <summary>The time a run may take at most: connecting, joining, the traffic, draining, with margins.</summary>
    public static TimeSpan Budget(ScenarioOptions options, SoakOptions soak) =>
        options.Duration + TimeSpan.FromMilliseconds(options.Clients * 40.0) + 2 * soak.AckTimeout + TimeSpan.FromMinutes(2);

    public async Task<SoakResult> RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        using var probe = new ServerProbe(_options.ServerPid, _options.StatsUri);
        var violations = new List<string>();

        // 1. Connect every client (a failure is retried twice, and counted).
        var connectStarted = Stopwatch.GetTimestamp();
        long connectFailures = 0;
        await Parallel.ForEachAsync(_clients, new ParallelOptions { MaxDegreeOfParallelism = _options.ConnectConcurrency, CancellationToken = cancellationToken },
            async (client, token) =>
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    if (await ConnectAsync(client, token).ConfigureAwait(false))
                    {
                        return;
                    }

                    Interlocked.Increment(ref connectFailures);
                }
            }).ConfigureAwait(false);
        var connectSeconds = Stopwatch.GetElapsedTime(connectStarted).TotalSeconds;
        Sample(probe);

        // 2. Every client joins two rooms.
        _phase = "join";
        for (var round = 0; round < 2; round++)
        {
            foreach (var client in _clients)
            {
                var first = client.Index % _roomNames.Length;
                var room = round == 0 ? first : (first + 1 + client.Index / _roomNames.Length) % _roomNames.Length;
                if (round == 1 && room == first)
                {
                    room = (first + 1) % _roomNames.Length;
                }

                TryCall(client, SoakCallKind.Join, _roomNames[room], 0);
            }

            await WaitUntilAsync(NoCallOutstanding, _soak.AckTimeout, cancellationToken).ConfigureAwait(false);
        }

        Sample(probe);

        // 3. Traffic for the duration.
        _phase = "traffic";
        var trafficStarted = Stopwatch.GetTimestamp();
        var trafficStartSeconds = Seconds(trafficStarted);
        var cpuBefore = probe.CpuSeconds();
        var clientCpuBefore = ServerProbe.ClientCpuSeconds();
        double requestCredit = 0, publishCredit = 0, joinCredit = 0, churnCredit = 0;
        var lastTick = trafficStarted;
        var nextSample = trafficStarted;
        var nextAckScan = trafficStarted;
        using (var timer = new PeriodicTimer(Tick))
        {
            while (Stopwatch.GetElapsedTime(trafficStarted) < _options.Duration && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                var dt = Math.Min(1.0, Stopwatch.GetElapsedTime(lastTick, now).TotalSeconds);
                lastTick = now;
                requestCredit += RequestRate * dt;
                publishCredit += PublishRate * dt;
                joinCredit += JoinLeaveRate * dt;
                churnCredit += ChurnRate * dt;
                for (; requestCredit >= 1; requestCredit--)
                {
                    Try(c => TryCall(c, SoakCallKind.Request, null, _random.NextInt64(1, 1L << 40)));
                }

                for (; publishCredit >= 1; publishCredit--)
                {
                    var room = _roomNames[_random.Next(_roomNames.Length)];
                    Try(c => TryCall(c, SoakCallKind.Publish, room, 0));
                }

                for (; joinCredit >= 1; joinCredit--)
                {
                    Try(TryJoinOrLeave);
                }

                for (; churnCredit >= 1; churnCredit--)
                {
                    Try(TryDrop);
                }

                if (now >= nextAckScan)
                {
                    ExpireCalls();
                    nextAckScan = now + Stopwatch.Frequency;
                }

                if (now >= nextSample)
                {
                    Sample(probe);
                    nextSample = now + (long)(_soak.SampleInterval.TotalSeconds * Stopwatch.Frequency);
                }
            }
        }

        var trafficSeconds = Stopwatch.GetElapsedTime(trafficStarted).TotalSeconds;
        var serverCpu = probe.CpuSeconds() - cpuBefore;
        var clientCpu = ServerProbe.ClientCpuSeconds() - clientCpuBefore;
        Sample(probe);
        var trafficEndSeconds = Seconds(Stopwatch.GetTimestamp());

        // 4. Drain: every dropped client back, every call answered (or counted lost), every member at its room's last number.
        _phase = "drain";
        await WaitUntilAsync(() => Volatile.Read(ref _reconnectsInFlight) == 0, _soak.AckTimeout, cancellationToken).ConfigureAwait(false);
        await WaitUntilAsync(NoCallOutstanding, _soak.AckTimeout, cancellationToken).ConfigureAwait(false);
        ExpireCalls(force: true);
        await WaitUntilAsync(() => MissingAtEnd() == 0, _soak.AckTimeout, cancellationToken).ConfigureAwait(false);
        var tailMissing = MissingAtEnd();
        if (tailMissing > 0)
        {
            Log($"{tailMissing} broadcast(s) never reached members at the end");
            Interlocked.Add(ref _gaps, tailMissing);
        }

        Sample(probe);
        _phase = "done";
        foreach (var client in _clients)
        {
            lock (client.Sync)
            {
                client.State = SoakClientState.Dropped;
                client.Current?.Close();
                client.Current = null;
            }
        }

        // 5. Figures and invariants.
        var traffic = _samples.Where(s => s.Phase == "traffic").ToList();
        var afterWarmup = traffic.Where(s => s.Seconds >= trafficStartSeconds + _options.Warmup.TotalSeconds && s.Seconds <= trafficEndSeconds).ToList();
        var slope = Slope(afterWarmup);
        var result = new SoakResult
        {
            Target = _options.Target,
            Clients = _options.Clients,
            DurationSeconds = trafficSeconds,
            WarmupSeconds = _options.Warmup.TotalSeconds,
            Rooms = _roomNames.Length,
            ConnectSeconds = connectSeconds,
            InitialConnectFailures = connectFailures,
            MinConnected = traffic.Count == 0 ? 0 : traffic.Min(s => s.Connected),
            AcksSent = _requests + _joins + _leaves + _publishes,
            AcksAnswered = _answered,
            AcksLost = _lost,
            AckErrors = _ackErrors,
            Requests = _requests,
            Joins = _joins,
            Leaves = _leaves,
            Publishes = _publishes,
            BroadcastsReceived = _received,
            BroadcastsReplayed = _replayed,
            Gaps = _gaps,
            Duplicates = _duplicates,
            ReplayedFromBeforeJoin = _replayedFromBeforeJoin,
            BroadcastsWithoutOffset = _withoutOffset,
            Drops = _drops,
            Reconnects = _reconnects,
            ReconnectFailures = _reconnectFailures,
            Recovered = _recovered,
            RecoveryFailures = _recoveryFailures,
            FreshSessionsByDesign = _freshByDesign,
            UnexpectedDisconnects = _unexpectedDisconnects,
            UnexpectedPackets = _unexpectedPackets,
            SkippedOperations = _skipped,
            RssStartMiB = traffic.FirstOrDefault()?.RssMiB is > 0 and var start ? start : null,
            RssEndMiB = traffic.LastOrDefault()?.RssMiB is > 0 and var end ? end : null,
            RssMaxMiB = traffic.Count > 0 && traffic.Max(s => s.RssMiB) is > 0 and var max ? max : null,
            RssSlopeMiBPerMinute = slope,
            RssSamplesAfterWarmup = afterWarmup.Count,
            ServerCpuCores = serverCpu / trafficSeconds,
            ClientCpuCores = clientCpu / trafficSeconds,
            LoadAverage = ServerProbe.LoadAverage(),
            Violations = violations,
            Samples = [.. _samples],
        };

        Check(violations, result.InitialConnectFailures == 0, $"{result.InitialConnectFailures} connection attempt(s) failed at the start");
        Check(violations, result.AcksLost == 0, $"{result.AcksLost} acknowledgement(s) lost");
        Check(violations, result.AckErrors == 0, $"{result.AckErrors} error or wrong acknowledgement(s)");
        Check(violations, result.Gaps == 0, $"{result.Gaps} broadcast(s) missing (sequence gaps)");
        Check(violations, result.Duplicates == 0, $"{result.Duplicates} broadcast(s) received twice");
        Check(violations, result.UnexpectedDisconnects == 0, $"{result.UnexpectedDisconnects} unexpected disconnect(s)");
        Check(violations, result.RecoveryFailures == 0, $"{result.RecoveryFailures} reconnect(s) not recovered");
        Check(violations, result.ReconnectFailures == 0, $"{result.ReconnectFailures} reconnect attempt(s) failed");
        Check(violations, result.UnexpectedPackets == 0, $"{result.UnexpectedPackets} unexpected packet(s)");
        Check(violations, result.BroadcastsWithoutOffset == 0, $"{result.BroadcastsWithoutOffset} broadcast(s) without a recovery offset");
        if (slope is { } s && afterWarmup.Count >= 10)
        {
            Check(violations, s <= _soak.MaxRssSlopeMiBPerMinute, $"server RSS grows {s:F2} MiB/min after the warm-up (limit {_soak.MaxRssSlopeMiBPerMinute})");
        }

        if (_soak.CsvPath is { } csv)
        {
            SoakReport.WriteCsv(csv, result.Samples);
        }

        if (_soak.ChartPath is { } chart)
        {
            SoakReport.WriteChart(chart, result, trafficStartSeconds, trafficStartSeconds + _options.Warmup.TotalSeconds, trafficEndSeconds);
        }

        return result;
    }

    // ---- Operations (driver thread) ---------------------------------------------------------------------------------

    private void Try(Func<SoakClient, bool> operation)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (operation(_clients[_random.Next(_clients.Length)]))
            {
                return;
            }
        }

        Interlocked.Increment(ref _skipped);
    }

    private bool TryCall(SoakClient client, SoakCallKind kind, string? room, long number)
    {
        lock (client.Sync)
        {
            if (client.State != SoakClientState.Connected || client.Outstanding is not null || client.Current is not { } connection)
            {
                return false;
            }

            var id = client.NextAckId++;
            client.Outstanding = new SoakCall(id, kind, room, number, Stopwatch.GetTimestamp());
            switch (kind)
            {
                case SoakCallKind.Join:
                    client.Pending[room!] = [];
                    Interlocked.Increment(ref _joins);
                    break;
                case SoakCallKind.Leave:
                    client.Next.Remove(room!); // what arrives for it from now on is not counted
                    client.JoinedAfter.Remove(room!);
                    Interlocked.Increment(ref _leaves);
                    break;
                case SoakCallKind.Publish:
                    Interlocked.Increment(ref _publishes);
                    break;
                default:
                    Interlocked.Increment(ref _requests);
                    break;
            }

            connection.Send(SoakProtocol.Call(id, kind switch
            {
                SoakCallKind.Join => "join",
                SoakCallKind.Leave => "leave",
                SoakCallKind.Publish => "publish",
                _ => "request",
            }, room, number));
            return true;
        }
    }

    // A client in one room joins another, in three or more leaves one, in two does either.
    private bool TryJoinOrLeave(SoakClient client)
    {
        string? join = null;
        string? leave = null;
        lock (client.Sync)
        {
            if (client.State != SoakClientState.Connected || client.Outstanding is not null)
            {
                return false;
            }

            var count = client.Next.Count;
            if (count <= 1 || (count == 2 && _random.Next(2) == 0))
            {
                for (var attempt = 0; attempt < 4 && join is null; attempt++)
                {
                    var room = _roomNames[_random.Next(_roomNames.Length)];
                    join = client.Next.ContainsKey(room) ? null : room;
                }
            }
            else
            {
                leave = client.Next.Keys.ElementAt(_random.Next(count));
            }
        }

        return join is not null ? TryCall(client, SoakCallKind.Join, join, 0)
            : leave is not null && TryCall(client, SoakCallKind.Leave, leave, 0);
    }

    // Drops an idle client's TCP connection (a reset, no close frame) and reconnects it after the delay.
    private bool TryDrop(SoakClient client)
    {
        string? sid;
        lock (client.Sync)
        {
            if (client.State != SoakClientState.Connected || client.Outstanding is not null || client.Pending.Count > 0 || client.Current is not { } connection)
            {
                return false;
            }

            client.State = SoakClientState.Dropped;
            client.Current = null;
            connection.Abort();
            sid = client.Sid;
        }

        Interlocked.Increment(ref _drops);
        _ = ReconnectAsync(client, sid);
        return true;
    }

    private async Task ReconnectAsync(SoakClient client, string? sid = null)
    {
        Interlocked.Increment(ref _reconnectsInFlight);
        try
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                // As socket.io-client does (reconnectionDelay 1 s, randomizationFactor 0.5): 0.5 to 1.5 times the delay.
                await Task.Delay(_soak.ReconnectDelay * (0.5 + Random.Shared.NextDouble()), _stopping).ConfigureAwait(false);
                if (attempt == 0 && sid is not null && _soak.BeforeReconnect is { } before)
                {
                    await before(sid, _stopping).ConfigureAwait(false);
                }

                if (await ConnectAsync(client, _stopping).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _reconnects);
                    return;
                }

                Interlocked.Increment(ref _reconnectFailures);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _reconnectsInFlight);
        }
    }

    private async Task<bool> ConnectAsync(SoakClient client, CancellationToken cancellationToken)
    {
        await _connectSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var connection = new LoadClient(client.Index, _protocol, this);
        try
        {
            lock (client.Sync)
            {
                client.Current = connection;
                client.State = SoakClientState.Connecting;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ConnectTimeout);
            await connection.ConnectAsync(_options.SourceAddress(client.Index), _options.Server, timeout.Token).ConfigureAwait(false);
            await connection.Ready.WaitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log($"client {client.Index}: connect failed: {ex.GetType().Name}: {ex.Message}");
            lock (client.Sync)
            {
                if (ReferenceEquals(client.Current, connection))
                {
                    client.Current = null;
                    client.State = SoakClientState.Dropped;
                }
            }

            connection.Abort();
            return false;
        }
        finally
        {
            _connectSlots.Release();
        }
    }

    private void ExpireCalls(bool force = false)
    {
        var oldest = Stopwatch.GetTimestamp() - (long)(_soak.AckTimeout.TotalSeconds * Stopwatch.Frequency);
        foreach (var client in _clients)
        {
            lock (client.Sync)
            {
                if (client.Outstanding is { } call && (force || call.SentAt < oldest))
                {
                    Log($"client {client.Index}: no acknowledgement for {call.Kind} {call.Room} (id {call.Id})");
                    Lose(client, call);
                }
            }
        }
    }

    // Under client.Sync.
    private void Lose(SoakClient client, SoakCall call)
    {
        Interlocked.Increment(ref _lost);
        client.Outstanding = null;
        if (call.Kind == SoakCallKind.Join)
        {
            client.Pending.Remove(call.Room!);
        }
    }

    private bool NoCallOutstanding()
    {
        foreach (var client in _clients)
        {
            lock (client.Sync)
            {
                if (client.Outstanding is not null)
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Broadcasts published in a room (acknowledged) that a member has not received yet.
    private long MissingAtEnd()
    {
        long missing = 0;
        foreach (var client in _clients)
        {
            lock (client.Sync)
            {
                foreach (var (room, next) in client.Next)
                {
                    var last = Volatile.Read(ref _lastPublished[int.Parse(room.AsSpan(1), CultureInfo.InvariantCulture)]);
                    missing += Math.Max(0, last - (next - 1));
                }
            }
        }

        return missing;
    }

    private void Sample(ServerProbe probe)
    {
        var connected = 0;
        foreach (var client in _clients)
        {
            if (client.State == SoakClientState.Connected)
            {
                connected++;
            }
        }

        var rss = probe.RssBytes();
        _samples.Add(new SoakSample(Seconds(Stopwatch.GetTimestamp()), _phase, rss is { } bytes ? bytes / 1048576.0 : 0, probe.CpuSeconds(), connected));
    }

    // ---- What the clients hear (their receive loops) ----------------------------------------------------------------

    public void OnOpen(LoadClient client)
    {
        var state = _clients[client.Index];
        lock (state.Sync)
        {
            if (!ReferenceEquals(state.Current, client))
            {
                return;
            }

            state.AskedRecovery = state.Pid is not null && state.Offset is not null;
            state.RecoveryOffset = state.AskedRecovery ? state.Offset : null;
            client.Send(SoakProtocol.Connect(state.Pid, state.Offset));
        }
    }

    public void OnPing(LoadClient client)
    {
        var state = _clients[client.Index];
        lock (state.Sync)
        {
            client.Send(SoakProtocol.PongPacket);
        }
    }

    public void OnConnected(LoadClient client, string sid, string? pid)
    {
        var state = _clients[client.Index];
        lock (state.Sync)
        {
            if (!ReferenceEquals(state.Current, client))
            {
                return;
            }

            if (state.Sid is not null)
            {
                if (sid == state.Sid)
                {
                    Interlocked.Increment(ref _recovered);
                }
                else
                {
                    var age = state.Offset is null ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(state.OffsetAt);
                    if (state.AskedRecovery && age < _soak.RecoveryWindow - TimeSpan.FromSeconds(5))
                    {
                        Interlocked.Increment(ref _recoveryFailures);
                        Log($"client {client.Index}: session {state.Sid} not recovered (offset {state.Offset}, {age.TotalSeconds:F1} s old): new sid {sid}");
                    }
                    else
                    {
                        Interlocked.Increment(ref _freshByDesign);
                    }

                    // A new session: the server holds none of the old rooms.
                    state.Next.Clear();
                    state.JoinedAfter.Clear();
                    state.Pending.Clear();
                    state.Offset = null;
                }
            }

            if (pid is null)
            {
                OnUnexpected(client, "CONNECT answer without a pid (connection state recovery off?)");
            }

            state.Sid = sid;
            state.Pid = pid;
            state.State = SoakClientState.Connected;
            client.MarkReady();
        }
    }

    public void OnAck(LoadClient client, long ackId, long? value, string? error)
    {
        var state = _clients[client.Index];
        lock (state.Sync)
        {
            if (!ReferenceEquals(state.Current, client))
            {
                return;
            }

            if (state.Outstanding is not { } call || call.Id != ackId)
            {
                OnUnexpected(client, $"acknowledgement {ackId} for no call in flight");
                return;
            }

            state.Outstanding = null;
            Interlocked.Increment(ref _answered);
            if (value is not { } number || (call.Kind == SoakCallKind.Request && number != call.Number))
            {
                Interlocked.Increment(ref _ackErrors);
                Log($"client {client.Index}: {call.Kind} {call.Room} answered {error ?? value?.ToString(CultureInfo.InvariantCulture)}");
                if (call.Kind == SoakCallKind.Join)
                {
                    state.Pending.Remove(call.Room!);
                }

                return;
            }

            switch (call.Kind)
            {
                case SoakCallKind.Join:
                    // The room's last number when this client joined: it expects the next one, then every one after.
                    var meanwhile = state.Pending.Remove(call.Room!, out var list) ? list : [];
                    state.Next[call.Room!] = number + 1;
                    state.JoinedAfter[call.Room!] = number;
                    meanwhile.Sort();
                    foreach (var seq in meanwhile)
                    {
                        if (seq > number)
                        {
                            Accept(state, call.Room!, seq);
                        }
                    }

                    break;
                case SoakCallKind.Publish:
                    ref var last = ref _lastPublished[int.Parse(call.Room.AsSpan(1), CultureInfo.InvariantCulture)];
                    long seen;
                    while ((seen = Volatile.Read(ref last)) < number && Interlocked.CompareExchange(ref last, number, seen) != seen)
                    {
                    }

                    break;
            }
        }
    }

    public void OnRoomMessage(LoadClient client, string room, long seq, string? offset)
    {
        var state = _clients[client.Index];
        lock (state.Sync)
        {
            if (!ReferenceEquals(state.Current, client))
            {
                return;
            }

            var previousOffset = state.Offset;
            if (offset is null)
            {
                Interlocked.Increment(ref _withoutOffset);
            }
            else
            {
                state.Offset = offset;
                state.OffsetAt = Stopwatch.GetTimestamp();
            }

            state.MessageOffset = offset;
            state.PreviousOffset = previousOffset;

            if (state.Next.ContainsKey(room))
            {
                if (state.State == SoakClientState.Connecting)
                {
                    Interlocked.Increment(ref _replayed);
                }

                Accept(state, room, seq);
            }
            else if (state.Pending.TryGetValue(room, out var meanwhile))
            {
                meanwhile.Add(seq);
            }
        }
    }

    public void OnUnexpected(LoadClient client, string what)
    {
        Interlocked.Increment(ref _unexpectedPackets);
        Log($"client {client.Index}: unexpected {what}");
    }

    public void OnClosed(LoadClient client, Exception? error)
    {
        var state = _clients[client.Index];
        lock (state.Sync)
        {
            // A close while connecting is the connect attempt's failure (counted there); a dropped client is not current.
            if (!ReferenceEquals(state.Current, client) || state.State != SoakClientState.Connected)
            {
                return;
            }

            Interlocked.Increment(ref _unexpectedDisconnects);
            Log($"client {client.Index}: disconnected unexpectedly: {error?.Message ?? "the server closed the connection"}");
            if (state.Outstanding is { } call)
            {
                Lose(state, call);
            }

            state.State = SoakClientState.Dropped;
            state.Current = null;
        }

        if (!_stopping.IsCancellationRequested && _phase != "done")
        {
            _ = ReconnectAsync(state);
        }
    }

    public void OnEchoReply(LoadClient client)
    {
    }

    public void OnTick(LoadClient client)
    {
    }

    // Under state.Sync: the room's next broadcast arrived, or a later one (a gap), or an earlier one (a duplicate).
    private void Accept(SoakClient state, string room, long seq)
    {
        var expected = state.Next[room];
        if (seq == expected)
        {
            Interlocked.Increment(ref _received);
            state.Next[room] = seq + 1;
        }
        else if (seq > expected)
        {
            Interlocked.Increment(ref _received);
            Interlocked.Add(ref _gaps, seq - expected);
            Log($"client {state.Index}: room {room} jumped from {expected - 1} to {seq} (sid {state.Sid}, {state.State})");
            state.Next[room] = seq + 1;
        }
        else if (state.JoinedAfter.TryGetValue(room, out var joinedAfter) && seq <= joinedAfter)
        {
            // Broadcast before this client joined the room, but after the offset it recovered from: the server replays
            // what was kept after the offset in the rooms the session has now (as the reference server does).
            Interlocked.Increment(ref _replayedFromBeforeJoin);
        }
        else
        {
            Interlocked.Increment(ref _duplicates);
            Log($"client {state.Index}: room {room} number {seq} again (expected {expected}; {(state.State == SoakClientState.Connecting ? "replayed" : "live")}, offset {state.MessageOffset} after {state.PreviousOffset}, recovered from {state.RecoveryOffset ?? "-"})");
        }
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------------

    private double Seconds(long timestamp) => Stopwatch.GetElapsedTime(_started, timestamp).TotalSeconds;

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition() && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Least-squares slope of RSS over time in MiB per minute, or null with fewer than two samples.</summary>
    internal static double? Slope(IReadOnlyList<SoakSample> samples)
    {
        if (samples.Count < 2)
        {
            return null;
        }

        var meanX = samples.Average(s => s.Seconds);
        var meanY = samples.Average(s => s.RssMiB);
        double sxy = 0, sxx = 0;
        foreach (var sample in samples)
        {
            sxy += (sample.Seconds - meanX) * (sample.RssMiB - meanY);
            sxx += (sample.Seconds - meanX) * (sample.Seconds - meanX);
        }

        return sxx == 0 ? null : sxy / sxx * 60;
    }

    private static void Check(List<string> violations, bool holds, string violation)
    {
        if (!holds)
        {
            violations.Add(violation);
        }
    }

    private void Log(string line)
    {
        if (Interlocked.Increment(ref _logged) <= MaxLogged * 5)
        {
            Console.Error.WriteLine($"soak [{Seconds(Stopwatch.GetTimestamp()):F1}s {_phase}]: {line}");
        }
    }
}
