using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Protocol.EngineIO;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.Diagnostics;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// One Engine.IO session. State (outbound queue, transport, heartbeat, close) is guarded by <see cref="_lock"/>;
/// calls into the handler are serialized by <see cref="_handlerGate"/>, which is always taken before
/// <see cref="_lock"/>, never while holding it. Exactly one writer drains the queue: the parked GET on polling,
/// the writer loop on WebSocket.
/// </summary>
internal sealed partial class EngineSession : EngineConnection
{
    private static readonly ReadOnlyMemory<byte> ProbeData = "probe"u8.ToArray();

    private readonly EngineIOServer _server;
    private readonly EngineIOOptions _options;
    private readonly IEngineConnectionHandler _handler;
    private readonly ILogger _logger;
    private readonly EngineHandshakeRequest _handshakeRequest;
    private HttpContext? _httpContext; // built from _handshakeRequest on first use
    private readonly LazyServiceScope _scope;
    private CancellationTokenSource? _closedSource; // created on first use of Closed
    private int _closedFired; // 1 once Closed has fired
    private readonly Lock _lock = new();
    private readonly Lock _handlerGate = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly EngineIOMetrics _metrics;
    private long _openedTimestamp; // Stopwatch timestamp at Start when connection durations are recorded, else 0

    // Guarded by _lock.
    private Queue<EnginePacket> _queue = new();
    private SessionState _state = SessionState.Open;
    private bool _overflowed;
    private long _bufferedBytes; // message bytes queued or being written; changed with Interlocked
    private bool _isWebSocket;
    private bool _upgrading;
    private bool _upgraded;
    private TimerState _timerState = TimerState.WaitingToPing;
    private long _timerDue; // in _time's timestamp units
    private readonly long _timerSlack; // 5 ms in timestamp units: a timer may fire a little early
    private bool _pingDeferred;
    private string _closeReason = EngineCloseReasons.ForcedClose;
    private Exception? _closeError;

    // Guarded by _handlerGate.
    private bool _dispatching;
    private bool _closeNotificationPending;
    private bool _closeNotified;

    private int _finalized;
    private bool _answerLateGetWithNoop;
    private Task? _readResume; // set by PauseReadingUntil: the transport reads nothing more until it completes

    internal override void PauseReadingUntil(Task resume) => Volatile.Write(ref _readResume, resume);

    /// <summary>The task reading must wait for, or null when reading may go on.</summary>
    private Task? ReadPause => Volatile.Read(ref _readResume) is { IsCompleted: false } resume ? resume : null;

    /// <summary>The remote address counted for <see cref="EngineIOOptions.MaxConnectionsPerIp"/>; released when the server removes the session.</summary>
    internal System.Net.IPAddress? CountedIp { get; init; }

    public EngineSession(EngineIOServer server, string id, HttpContext handshakeContext, bool isWebSocket)
    {
        _server = server;
        _options = server.Options;
        _handler = server.Handler;
        _logger = server.Logger;
        _metrics = server.Metrics;
        Id = id;
        Issued = _options.TimeProvider.GetUtcNow();
        _isWebSocket = isWebSocket;
        _scope = new LazyServiceScope(handshakeContext.RequestServices.GetRequiredService<IServiceScopeFactory>());
        _handshakeRequest = EngineHandshakeRequest.Capture(handshakeContext);
        _time = _options.TimeProvider;
        _timerSlack = _time.TimestampFrequency / 200;
        _timer = _time.CreateTimer(static state => ((EngineSession)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private enum OverflowLimit
    {
        None,
        Messages,
        Bytes,
    }

    private enum SessionState
    {
        Open,
        Closing,
        Closed,
    }

    private enum TimerState
    {
        WaitingToPing,
        WaitingForPong,
        WaitingForCloseFlush,
        Stopped,
    }

    public override string Id { get; }

    public override HttpContext HttpContext => Volatile.Read(ref _httpContext) ?? CreateHttpContext();

    internal override System.Security.Claims.ClaimsPrincipal? UserIfSet => HttpContextIfCreated?.User ?? _handshakeRequest.User;

    internal override DateTimeOffset? AuthenticationExpiresUtc => _handshakeRequest.AuthenticationExpiresUtc;

    internal override EngineAuthorizationRefusal? AuthorizationRefusal => _handshakeRequest.AuthorizationRefusal;

    /// <summary>The context if anything asked for it yet, else null (tests).</summary>
    internal HttpContext? HttpContextIfCreated => Volatile.Read(ref _httpContext);

    public override string Transport => _isWebSocket ? EngineTransportNames.WebSocket : EngineTransportNames.Polling;

    public override DateTimeOffset Issued { get; }

    public override CancellationToken Closed => (Volatile.Read(ref _closedSource) ?? CreateClosedSource()).Token;

    /// <summary>Packets queued and not written yet; read without the lock, for the send queue gauge.</summary>
    internal int QueuedPackets => Volatile.Read(ref _queue).Count;

    public override bool IsOpen => _state == SessionState.Open && !_overflowed;

    public override bool IsWritable
    {
        get
        {
            lock (_lock)
            {
                return IsWritableCore();
            }
        }
    }

    /// <summary>Queues the open packet, starts the heartbeat and tells the handler. Called once, right after registration.</summary>
    public void Start(bool canUpgrade)
    {
        if (ServerActivities.IsEnabled())
        {
            StartTraced(canUpgrade);
            return;
        }

        StartCore(canUpgrade);
    }

    /// <summary>
    /// <see cref="Start"/> inside the <c>engineio.handshake</c> span, which is current while the handler's OnOpen runs, so
    /// the layer above can remember it. It is a child of the handshake request's span when that span is recorded, and a
    /// root span otherwise: ASP.NET Core creates an unrecorded request activity when only TypedSockets is traced, and a
    /// parent-based sampler (OpenTelemetry's default) would drop every child of it.
    /// </summary>
    private void StartTraced(bool canUpgrade)
    {
        var previous = Activity.Current;
        var activity = previous is null or { Recorded: true }
            ? ServerActivities.Source.StartActivity(ServerActivities.Handshake, ActivityKind.Internal)
            : ServerActivities.StartDetached(ServerActivities.Handshake, ActivityKind.Internal);
        if (activity is null)
        {
            StartCore(canUpgrade);
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(ServerActivities.SessionIdTag, Id);
            activity.SetTag(ServerActivities.TransportTag, Transport);
        }

        Activity.Current = activity;
        try
        {
            StartCore(canUpgrade);
        }
        finally
        {
            activity.Stop();
            Activity.Current = previous;
        }
    }

    private void StartCore(bool canUpgrade)
    {
        var handshake = new EngineHandshake(
            Id,
            canUpgrade,
            (long)_options.PingInterval.TotalMilliseconds,
            (long)_options.PingTimeout.TotalMilliseconds,
            _options.MaxHttpBufferSize);

        lock (_lock)
        {
            _queue.Enqueue(EnginePacket.Control(EnginePacketType.Open, handshake.ToJsonBytes()));
            ArmTimer(TimerState.WaitingToPing, _options.PingInterval);
        }

        _openedTimestamp = _metrics.OpenedTimestamp();
        _metrics.SessionOpened(_isWebSocket);
        EngineIOLog.SessionOpened(_logger, Id, Transport);

        lock (_handlerGate)
        {
            _dispatching = true;
            try
            {
                _handler.OnOpen(this);
            }
            catch (Exception ex)
            {
                EngineIOLog.HandlerFailed(_logger, Id, ex);
                Abort(EngineCloseReasons.TransportError, ex);
            }
            finally
            {
                EndDispatch();
            }
        }
    }

    /// <summary>Undoes a session that was created but never started (the WebSocket accept failed).</summary>
    public void DiscardUnstarted()
    {
        Interlocked.Exchange(ref _finalized, 1);
        lock (_lock)
        {
            _state = SessionState.Closed;
        }

        _timer.Dispose();
        _server.Remove(this, answerLateGetWithNoop: false);
        _ = DisposeScopeAsync();
    }

    public override bool TrySend(EngineMessage message, bool isVolatile = false) =>
        TrySend(new ReadOnlySpan<EngineMessage>(in message), isVolatile);

    public override bool TrySend(ReadOnlySpan<EngineMessage> messages, bool isVolatile = false)
    {
        var overflow = OverflowLimit.None;
        var writeInline = false;
        lock (_lock)
        {
            if (_state != SessionState.Open || _overflowed)
            {
                return false;
            }

            if (isVolatile && !IsWritableCore())
            {
                return false;
            }

            long bytes = 0;
            foreach (ref readonly var message in messages)
            {
                bytes += message.Data.Length;
            }

            var buffered = Interlocked.Read(ref _bufferedBytes);
            if (_queue.Count + messages.Length > _options.MaxBufferedMessages)
            {
                _overflowed = true;
                overflow = OverflowLimit.Messages;
            }
            else if (buffered > 0 && buffered + bytes > _options.MaxBufferedBytes)
            {
                // Always room for one message, however big: the limit is on a client that does not read.
                _overflowed = true;
                overflow = OverflowLimit.Bytes;
            }
            else
            {
                Interlocked.Add(ref _bufferedBytes, bytes);
                foreach (ref readonly var message in messages)
                {
                    // A pooled packet buffer stays alive until the writer has sent it (ReturnQueue releases it).
                    if (PooledPacketBuffer.TryGetOwner(message.Data, out var owner))
                    {
                        owner.AddRef();
                    }

                    _queue.Enqueue(new EnginePacket(EnginePacketType.Message, message.Data, message.IsBinary));
                }

                writeInline = TakeWriterForInlineWrite();
                if (!writeInline)
                {
                    WakeWriter();
                }
            }
        }

        if (writeInline)
        {
            WriteInline();
        }

        if (overflow != OverflowLimit.None)
        {
            // Never close (and call the handler back) on the caller's thread: it may be iterating a room.
            if (overflow == OverflowLimit.Messages)
            {
                EngineIOLog.OutboundQueueFull(_logger, Id, _options.MaxBufferedMessages);
            }
            else
            {
                EngineIOLog.OutboundBytesExceeded(_logger, Id, _options.MaxBufferedBytes);
            }

            _metrics.OutboundOverflow(overflow == OverflowLimit.Bytes);
            ThreadPool.UnsafeQueueUserWorkItem(
                static session => session.Abort(EngineCloseReasons.TransportError, new IOException(session.OverflowMessage())), this, preferLocal: false);
            return false;
        }

        return true;
    }

    /// <summary>Message bytes queued for the client or being written to it (tests, diagnostics).</summary>
    internal long BufferedBytes => Interlocked.Read(ref _bufferedBytes);

    private string OverflowMessage() =>
        $"The client read too slowly: more than {_options.MaxBufferedMessages} messages or {_options.MaxBufferedBytes} bytes were waiting for it.";

    public override void Close(string reason = EngineCloseReasons.ForcedClose) => CloseGracefully(reason, discard: false);

    /// <summary>
    /// Flushes what is queued, then closes. With <paramref name="discard"/> (server shutdown) a polling session
    /// without a parked GET closes right away instead of waiting for the client's next poll.
    /// </summary>
    public void CloseGracefully(string reason, bool discard)
    {
        var closeNow = false;
        lock (_lock)
        {
            if (_state != SessionState.Open)
            {
                return;
            }

            _state = SessionState.Closing;
            _closeReason = reason;
            if (!_isWebSocket && !_pollParked && discard)
            {
                closeNow = true;
            }
            else
            {
                // The writer (the next GET, or the WebSocket writer) flushes and closes; a client that does not
                // take the data in time is dropped, and never later than its heartbeat would have dropped it.
                ArmTimer(TimerState.WaitingForCloseFlush, Min(_options.PingInterval + _options.PingTimeout, LivenessRemaining()));
                WakeWriter();
            }
        }

        if (closeNow)
        {
            Abort(reason, null);
        }
    }

    /// <summary>
    /// Closes now without flushing (errors, timeouts, the client going away). A parked GET is answered with
    /// <paramref name="pollTrailer"/> (close, or noop when the client itself asked to close).
    /// </summary>
    public void Abort(string reason, Exception? error, EnginePacketType pollTrailer = EnginePacketType.Close)
    {
        lock (_lock)
        {
            if (_state == SessionState.Closed)
            {
                return;
            }

            _state = SessionState.Closed;
            _closeReason = reason;
            _closeError = error;
            _timerState = TimerState.Stopped;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (_pollParked)
            {
                _pollTrailer = pollTrailer;
            }
            else if (pollTrailer == EnginePacketType.Noop && !_isWebSocket)
            {
                // The client closed (POST "1") and its GET is not here yet: it may be in flight on another
                // connection, reordered behind the POST. Let the server answer it with the noop it would have got.
                _answerLateGetWithNoop = true;
            }

            WakeWriter();
        }

        Finish();
    }

    /// <summary>Removes the session, fires <see cref="Closed"/> and calls the handler's OnClose. Runs once.</summary>
    private void Finish()
    {
        if (Interlocked.Exchange(ref _finalized, 1) != 0)
        {
            return;
        }

        string reason;
        Exception? error;
        lock (_lock)
        {
            _state = SessionState.Closed;
            reason = _closeReason;
            error = _closeError;
            ReleaseAll(_queue);
            _queue.Clear();
        }

        _timer.Dispose();
        CancelProbe();
        AbortSocketSoon();
        _server.Remove(this, _answerLateGetWithNoop);
        _metrics.SessionClosed(_isWebSocket, _openedTimestamp);
        EngineIOLog.SessionClosed(_logger, Id, reason, error);

        try
        {
            // Publish the flag before reading the source (CreateClosedSource does the reverse): one of the two cancels it.
            Interlocked.Exchange(ref _closedFired, 1);
            Volatile.Read(ref _closedSource)?.Cancel();
        }
        catch (AggregateException ex)
        {
            EngineIOLog.HandlerFailed(_logger, Id, ex);
        }

        lock (_handlerGate)
        {
            if (_dispatching)
            {
                _closeNotificationPending = true;
                return;
            }

            NotifyClosed();
        }
    }

    private HttpContext CreateHttpContext()
    {
        var context = _handshakeRequest.CreateHttpContext(_scope);
        return Interlocked.CompareExchange(ref _httpContext, context, null) ?? context;
    }

    private CancellationTokenSource CreateClosedSource()
    {
        var source = new CancellationTokenSource();
        var existing = Interlocked.CompareExchange(ref _closedSource, source, null);
        if (existing is not null)
        {
            source.Dispose();
            return existing;
        }

        if (Volatile.Read(ref _closedFired) != 0)
        {
            source.Cancel(); // first asked for after the session closed: born cancelled
        }

        return source;
    }

    // Under _handlerGate.
    private void NotifyClosed()
    {
        if (_closeNotified)
        {
            return;
        }

        _closeNotified = true;
        _closeNotificationPending = false;
        try
        {
            _handler.OnClose(this, _closeReason, _closeError);
        }
        catch (Exception ex)
        {
            EngineIOLog.HandlerFailed(_logger, Id, ex);
        }

        _ = DisposeScopeAsync();
    }

    private async Task DisposeScopeAsync()
    {
        try
        {
            await _scope.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EngineIOLog.ScopeDisposeFailed(_logger, Id, ex);
        }
    }

    // Under _handlerGate: ends a handler call and delivers a close that happened during it.
    private void EndDispatch()
    {
        _dispatching = false;
        if (_closeNotificationPending)
        {
            NotifyClosed();
        }
    }

    /// <summary>Handles one packet from the client. Called under <see cref="_handlerGate"/>.</summary>
    private void OnPacket(in EnginePacket packet)
    {
        switch (packet.Type)
        {
            case EnginePacketType.Message:
                if (!IsOpen)
                {
                    return;
                }

                try
                {
                    _handler.OnMessage(this, packet.Data, packet.IsBinary);
                }
                catch (InvalidDataException ex)
                {
                    EngineIOLog.ParseError(_logger, Id, ex);
                    Abort(EngineCloseReasons.ParseError, ex);
                }
                catch (Exception ex)
                {
                    EngineIOLog.HandlerFailed(_logger, Id, ex);
                    Abort(EngineCloseReasons.TransportError, ex);
                }

                break;

            case EnginePacketType.Pong:
                OnPong();
                break;

            case EnginePacketType.Ping:
                EngineIOLog.InvalidHeartbeatDirection(_logger, Id);
                Abort(EngineCloseReasons.TransportError, new InvalidDataException("invalid heartbeat direction"));
                break;

            case EnginePacketType.Close:
                Abort(EngineCloseReasons.TransportClose, null, EnginePacketType.Noop);
                break;

            default:
                // open, upgrade and noop from the client carry nothing for the session.
                break;
        }
    }

    private void OnPong()
    {
        lock (_lock)
        {
            if (_timerState == TimerState.WaitingForPong)
            {
                ArmTimer(TimerState.WaitingToPing, _options.PingInterval);
            }
        }
    }

    private void OnTimer()
    {
        var timedOut = false;
        var closeReason = (string?)null;
        lock (_lock)
        {
            if (_timerState == TimerState.Stopped || _time.GetTimestamp() < _timerDue - _timerSlack)
            {
                return; // stale callback of a timer that was changed since
            }

            switch (_timerState)
            {
                case TimerState.WaitingToPing when _state == SessionState.Open:
                    if (_upgrading)
                    {
                        // No ping while the transports are switching: send it once the upgrade ends.
                        _pingDeferred = true;
                        _timerState = TimerState.Stopped;
                    }
                    else
                    {
                        // The pong deadline counts from when the ping was due, not from a late callback.
                        SendPingCore(_timerDue);
                    }

                    break;

                case TimerState.WaitingForPong:
                    timedOut = true;
                    break;

                case TimerState.WaitingForCloseFlush:
                    closeReason = _closeReason;
                    break;
            }
        }

        Expire(timedOut, closeReason);
    }

    /// <summary>
    /// Called for every request that names this session: a session whose pong or close deadline has passed is closed
    /// now, even when its timer callback is late (a busy thread pool), so that it is never served past its deadline.
    /// Returns true when the session is closed.
    /// </summary>
    public bool ReapIfOverdue()
    {
        var timedOut = false;
        var closeReason = (string?)null;
        lock (_lock)
        {
            if (_state == SessionState.Closed)
            {
                return true;
            }

            if (_time.GetTimestamp() < _timerDue)
            {
                return false;
            }

            if (_timerState == TimerState.WaitingForPong
                || (_timerState == TimerState.WaitingToPing && _state == SessionState.Open && !_upgrading
                    && _time.GetTimestamp() >= _timerDue + ToTimestampUnits(_options.PingTimeout)))
            {
                // No pong by its deadline; or the ping itself is so late that no pong could have come in time.
                timedOut = true;
            }
            else if (_timerState == TimerState.WaitingForCloseFlush)
            {
                closeReason = _closeReason;
            }
            else
            {
                return false;
            }
        }

        Expire(timedOut, closeReason);
        return true;
    }

    private void Expire(bool timedOut, string? closeReason)
    {
        if (timedOut)
        {
            EngineIOLog.PingTimeout(_logger, Id);
            Abort(EngineCloseReasons.PingTimeout, null);
        }
        else if (closeReason is not null)
        {
            Abort(closeReason, null);
        }
    }

    // Under _lock: how long the client may still stay silent before its heartbeat fails.
    private TimeSpan LivenessRemaining()
    {
        var remaining = _time.GetElapsedTime(_time.GetTimestamp(), _timerDue);
        return _timerState switch
        {
            TimerState.WaitingToPing => remaining + _options.PingTimeout,
            TimerState.WaitingForPong => remaining,
            _ => Timeout.InfiniteTimeSpan,
        };
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) =>
        b == Timeout.InfiniteTimeSpan ? a : b < TimeSpan.Zero ? TimeSpan.Zero : a < b ? a : b;

    // Under _lock: queues a ping due at <paramref name="pingDue"/> (a timestamp) and waits for the pong from then.
    private void SendPingCore(long pingDue)
    {
        _queue.Enqueue(EnginePacket.Control(EnginePacketType.Ping));
        WakeWriter();
        ArmTimerAt(TimerState.WaitingForPong, pingDue + ToTimestampUnits(_options.PingTimeout));
    }

    // Under _lock.
    private void ArmTimer(TimerState state, TimeSpan due) => ArmTimerAt(state, _time.GetTimestamp() + ToTimestampUnits(due));

    // Under _lock: arms the timer for an absolute timestamp (already past: fires at once).
    private void ArmTimerAt(TimerState state, long due)
    {
        _timerState = state;
        _timerDue = due;
        var delay = _time.GetElapsedTime(_time.GetTimestamp(), due);
        _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private long ToTimestampUnits(TimeSpan time) => (long)(time.TotalSeconds * _time.TimestampFrequency);

    // Under _lock: ends an upgrade attempt (done or not) and sends a ping that fell due during it.
    private void EndUpgradeCore()
    {
        _upgrading = false;
        if (_pingDeferred)
        {
            _pingDeferred = false;
            if (_state == SessionState.Open)
            {
                SendPingCore(_time.GetTimestamp());
            }
        }
    }

    // Under _lock.
    private bool IsWritableCore() =>
        _queue.Count == 0 && (_isWebSocket ? !_writerBusy : _pollParked);

    // Under _lock.
    private void WakeWriter()
    {
        if (_isWebSocket)
        {
            if (!_writerBusy)
            {
                _writerBusy = true;
                _writerSignal.Set();
            }
        }
        else if (_pollParked)
        {
            _pollSignal.Set();
        }
    }

    public override bool SupportsPooledBuffers => true;

    /// <summary>Gives back the references this session took on pooled packet buffers and uncounts their bytes.</summary>
    private void ReleaseAll(Queue<EnginePacket> queue)
    {
        long bytes = 0;
        foreach (var packet in queue)
        {
            if (packet.Type != EnginePacketType.Message)
            {
                continue;
            }

            bytes += packet.Data.Length;
            if (PooledPacketBuffer.TryGetOwner(packet.Data.First, out var owner))
            {
                owner.Release();
            }
        }

        if (bytes != 0)
        {
            Interlocked.Add(ref _bufferedBytes, -bytes);
        }
    }

    private void ReturnQueue(Queue<EnginePacket> queue)
    {
        ReleaseAll(queue);
        var count = queue.Count;
        queue.Clear();
        if (count > 256)
        {
            queue.TrimExcess(); // an idle session keeps no big buffer
        }
    }

    private static bool IsProbe(in EnginePacket packet)
    {
        var data = packet.Data;
        if (data.Length != ProbeData.Length)
        {
            return false;
        }

        return data.IsSingleSegment ? data.FirstSpan.SequenceEqual(ProbeData.Span) : data.ToArray().AsSpan().SequenceEqual(ProbeData.Span);
    }
}
