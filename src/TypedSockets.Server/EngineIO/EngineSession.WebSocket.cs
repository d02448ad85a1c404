using System.Buffers;
using System.Net.WebSockets;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// WebSocket: the request's task reads frames (into a small per-socket buffer, pooled buffers for longer messages); a writer
/// loop drains the queue, one packet per frame, back to back. A message queued while the writer is idle is written
/// by the queuing thread itself while the sends complete synchronously (<see cref="WriteInline"/>). Also the upgrade from polling (probe, noop, upgrade).
/// </summary>
internal sealed partial class EngineSession
{
    private const int ReceiveBufferSize = 4096;

    // Held per socket for its life: most Socket.IO messages (events with small arguments, acks, pings) fit, so they take
    // one receive call. Reading each message after a zero-byte wait instead saves these bytes on an idle connection but
    // costs a second pass through the WebSocket and Kestrel stream layers for every message.
    private const int SmallMessageSize = 256;
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan NoopInterval = TimeSpan.FromMilliseconds(100);
    private static readonly byte[] ProbeAnswer = "3probe"u8.ToArray();

    private readonly AsyncSignal _writerSignal = new();

    // Owned by the writer loop.
    private Queue<EnginePacket> _writerBatch = new();

    // Guarded by _lock.
    private bool _writerBusy;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;

    private CancellationTokenSource? _probeSource;
    private CancellationTokenSource? _socketSource;

    // The WebSocket carrying the session once its writer loop runs; the target of inline writes.
    private WebSocket? _webSocket;

    private enum ProbeAction
    {
        AnswerProbe,
        Upgrade,
        Reject,
    }

    /// <summary>Runs the WebSocket that opened this session, until it closes.</summary>
    public Task RunWebSocketAsync(WebSocket socket) => RunSocketAsync(socket, probing: false);

    /// <summary>A WebSocket carrying this session's sid: the upgrade from polling. Any other case closes that socket.</summary>
    public async Task RunUpgradeAsync(WebSocket socket)
    {
        bool accepted;
        lock (_lock)
        {
            accepted = _state == SessionState.Open && !_isWebSocket && !_upgrading && !_upgraded && _options.AllowUpgrades;
            if (accepted)
            {
                _upgrading = true;
            }
        }

        if (!accepted)
        {
            EngineIOLog.UpgradeFailed(_logger, Id, "the session cannot upgrade (already upgraded, upgrading, or closed)");
            await CloseSocketAsync(socket, _time, WebSocketCloseStatus.NormalClosure).ConfigureAwait(false);
            return;
        }

        await RunSocketAsync(socket, probing: true).ConfigureAwait(false);
    }

    private async Task RunSocketAsync(WebSocket socket, bool probing)
    {
        // Created on the session's clock so the upgrade timeout and the close grace period (CancelAfter) follow it.
        using var receiveSource = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        Task? writer = null;
        ITimer? noopTimer = null;
        var upgradeFailure = "the client closed the WebSocket";
        var closeReason = EngineCloseReasons.TransportClose;
        Exception? closeError = null;
        var rejectStatus = WebSocketCloseStatus.NormalClosure;
        var max = _options.MaxHttpBufferSize;
        byte[]? buffer = null;
        var small = new byte[SmallMessageSize];
        var stop = false;

        if (probing)
        {
            receiveSource.CancelAfter(_options.UpgradeTimeout);
            Volatile.Write(ref _probeSource, receiveSource);
            if (Volatile.Read(ref _finalized) != 0)
            {
                receiveSource.Cancel();
            }
        }
        else
        {
            Volatile.Write(ref _socketSource, receiveSource);
            Volatile.Write(ref _webSocket, socket);
            writer = RunWriterAsync(socket, receiveSource);
        }

        try
        {
            while (!stop)
            {
                // A message that fits the socket's small buffer takes one receive; a longer one continues in a pooled
                // buffer that is given back once the message is handled.
                var result = await socket.ReceiveAsync(small.AsMemory(), receiveSource.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var isBinary = result.MessageType == WebSocketMessageType.Binary;
                var data = small;
                var count = result.Count;
                var tooBig = count > max;
                if (!result.EndOfMessage && !tooBig)
                {
                    buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                    small.AsSpan(0, count).CopyTo(buffer);
                    data = buffer;
                }

                while (!result.EndOfMessage && !tooBig)
                {
                    if (count == buffer!.Length)
                    {
                        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Math.Min(max + 1, Array.MaxLength)));
                        buffer.AsSpan(0, count).CopyTo(grown);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = grown;
                        data = grown;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(count), receiveSource.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    count += result.Count;
                    if (count > max)
                    {
                        tooBig = true;
                        break;
                    }
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (tooBig)
                {
                    EngineIOLog.PayloadTooLarge(_logger, Id, max);
                    if (probing)
                    {
                        upgradeFailure = "message too big";
                        rejectStatus = WebSocketCloseStatus.MessageTooBig;
                    }
                    else
                    {
                        lock (_lock)
                        {
                            _closeStatus = WebSocketCloseStatus.MessageTooBig;
                        }

                        closeReason = EngineCloseReasons.TransportError;
                        closeError = new InvalidDataException($"WebSocket message over {max} bytes.");
                    }

                    break;
                }

                if (!probing)
                {
                    DeliverFrame(data, count, isBinary);
                    if (ReadPause is { } pause)
                    {
                        // The layer above has too much handler work for this client: stop reading until it drains.
                        if (buffer is not null)
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = null;
                        }

                        await pause.WaitAsync(receiveSource.Token).ConfigureAwait(false);
                    }
                }
                else
                {
                    switch (ParseProbeFrame(data, count, isBinary))
                    {
                        case ProbeAction.AnswerProbe:
                            EngineIOLog.UpgradeProbe(_logger, Id);
                            await socket.SendAsync(ProbeAnswer, WebSocketMessageType.Text, true, receiveSource.Token).ConfigureAwait(false);
                            // Answer every parked GET with a noop until the upgrade completes, so the client can pause polling.
                            noopTimer ??= _time.CreateTimer(static state => ((EngineSession)state!).RequestNoop(), this, TimeSpan.Zero, NoopInterval);
                            break;

                        case ProbeAction.Upgrade:
                            noopTimer?.Dispose();
                            noopTimer = null;
                            if (!TryCompleteUpgrade())
                            {
                                upgradeFailure = "the session closed";
                                stop = true;
                                break;
                            }

                            probing = false;
                            receiveSource.CancelAfter(Timeout.InfiniteTimeSpan);
                            Volatile.Write(ref _probeSource, null);
                            Volatile.Write(ref _socketSource, receiveSource);
                            EngineIOLog.UpgradeCompleted(_logger, Id);
                            _server.TrafficObserver?.Upgraded(this);
                            Volatile.Write(ref _webSocket, socket);
                            writer = RunWriterAsync(socket, receiveSource);
                            break;

                        default:
                            upgradeFailure = "unexpected packet during the upgrade";
                            stop = true;
                            break;
                    }
                }

                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (OperationCanceledException ex)
        {
            upgradeFailure = Volatile.Read(ref _finalized) != 0 ? "the session closed" : "upgrade timeout";
            closeError = ex;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            upgradeFailure = "the WebSocket failed";
            closeError = ex;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            noopTimer?.Dispose();
        }

        if (probing)
        {
            Volatile.Write(ref _probeSource, null);
            lock (_lock)
            {
                EndUpgradeCore();
            }

            EngineIOLog.UpgradeFailed(_logger, Id, upgradeFailure);
            await CloseSocketAsync(socket, _time, rejectStatus).ConfigureAwait(false);
            return;
        }

        Abort(closeReason, closeError);
        if (writer is not null)
        {
            await writer.ConfigureAwait(false);
        }

        Volatile.Write(ref _socketSource, null);
    }

    /// <summary>
    /// Once the session is over, its WebSocket gets a short grace period for the close handshake; then the pending
    /// receive is cancelled, which aborts the socket and unblocks a writer stuck on a client that stopped reading.
    /// </summary>
    private void AbortSocketSoon()
    {
        try
        {
            Volatile.Read(ref _socketSource)?.CancelAfter(CloseHandshakeTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The socket is done already.
        }
    }

    private bool TryCompleteUpgrade()
    {
        lock (_lock)
        {
            if (_state == SessionState.Closed)
            {
                return false;
            }

            _isWebSocket = true;
            _upgraded = true;
            _writerBusy = true; // the writer loop starts by flushing the queue
            if (_pollParked)
            {
                _pollSignal.Set(); // a GET still parked ends with a noop
            }

            EndUpgradeCore();
            return true;
        }
    }

    private void CancelProbe()
    {
        try
        {
            Volatile.Read(ref _probeSource)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The probe ended meanwhile.
        }
    }

    private static ProbeAction ParseProbeFrame(byte[] buffer, int count, bool isBinary)
    {
        if (isBinary)
        {
            return ProbeAction.Reject;
        }

        var reader = new EnginePacketReader(new ReadOnlySequence<byte>(buffer, 0, count), EnginePacketFraming.SinglePacket);
        try
        {
            reader.TryRead(out var packet);
            return packet.Type switch
            {
                EnginePacketType.Ping when IsProbe(packet) => ProbeAction.AnswerProbe,
                EnginePacketType.Upgrade => ProbeAction.Upgrade,
                _ => ProbeAction.Reject,
            };
        }
        catch (InvalidDataException)
        {
            return ProbeAction.Reject;
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>Hands one WebSocket message to the session: a binary frame is a binary message, a text frame one packet.</summary>
    private void DeliverFrame(byte[] buffer, int count, bool isBinary)
    {
        lock (_handlerGate)
        {
            _dispatching = true;
            try
            {
                if (isBinary)
                {
                    OnPacket(EnginePacket.BinaryMessage(new ReadOnlyMemory<byte>(buffer, 0, count)));
                }
                else
                {
                    var reader = new EnginePacketReader(new ReadOnlySequence<byte>(buffer, 0, count), EnginePacketFraming.SinglePacket);
                    try
                    {
                        reader.TryRead(out var packet);
                        OnPacket(packet);
                    }
                    catch (InvalidDataException ex)
                    {
                        EngineIOLog.ParseError(_logger, Id, ex);
                        Abort(EngineCloseReasons.ParseError, ex);
                    }
                    finally
                    {
                        reader.Dispose();
                    }
                }
            }
            finally
            {
                EndDispatch();
            }
        }

        _metrics.Received(webSocket: true, 1, count);
        _server.TrafficObserver?.Received(1, count);
    }

    /// <summary>
    /// Under _lock, right after queuing: true when the caller becomes the writer and must call <see cref="WriteInline"/>
    /// (an open WebSocket session whose writer is idle). Otherwise the caller wakes the writer as usual.
    /// </summary>
    private bool TakeWriterForInlineWrite()
    {
        if (!_isWebSocket || _writerBusy || _state != SessionState.Open || Volatile.Read(ref _webSocket) is null)
        {
            return false;
        }

        _writerBusy = true;
        return true;
    }

    /// <summary>
    /// The synchronous fast path of the writer: the thread that queued a message while the writer was idle (a handler
    /// answering an ack, a broadcast walking a room) writes the queue itself, as long as the sends complete synchronously
    /// (Kestrel's output pipe has room). This saves a thread-pool hop and a wake-up of the writer loop per message.
    /// A send that has to wait is finished asynchronously, and then the writer loop takes over; a closing session is
    /// handed back to the writer loop, which owns the close. Never throws and never closes on the caller's thread.
    /// </summary>
    private void WriteInline()
    {
        var socket = Volatile.Read(ref _webSocket)!;
        while (true)
        {
            Queue<EnginePacket> batch;
            lock (_lock)
            {
                if (_state != SessionState.Open || _queue.Count == 0)
                {
                    if (_state == SessionState.Open)
                    {
                        _writerBusy = false;
                    }
                    else
                    {
                        _writerSignal.Set(); // still busy: the writer loop flushes what is left and closes
                    }

                    return;
                }

                (batch, _queue) = (_queue, _writerBatch);
            }

            ValueTask send;
            try
            {
                send = SendBatchAsync(socket, batch, _metrics, _server.TrafficObserver);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                send = ValueTask.FromException(ex);
            }

            if (!send.IsCompletedSuccessfully)
            {
                _ = CompleteInlineWriteAsync(send, batch);
                return;
            }

            send.GetAwaiter().GetResult();
            ReturnQueue(batch);
            _writerBatch = batch;
        }
    }

    private async Task CompleteInlineWriteAsync(ValueTask send, Queue<EnginePacket> batch)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            EngineIOLog.TransportFailed(_logger, Id, ex);
            ThreadPool.UnsafeQueueUserWorkItem(
                static state =>
                {
                    var (session, error) = state;
                    session.Abort(EngineCloseReasons.TransportError, error);
                    try
                    {
                        Volatile.Read(ref session._socketSource)?.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The socket is done already.
                    }
                },
                (this, ex),
                preferLocal: false);
        }
        finally
        {
            ReturnQueue(batch);
            _writerBatch = batch;
        }

        // Still the writer: hand the rest (or the close) to the writer loop.
        _writerSignal.Set();
    }

    /// <summary>The only sender on the session's WebSocket: drains the queue per wake-up, then closes the socket.</summary>
    private async Task RunWriterAsync(WebSocket socket, CancellationTokenSource receiveSource)
    {
        var graceful = false;
        try
        {
            while (true)
            {
                Queue<EnginePacket>? batch = null;
                lock (_lock)
                {
                    if (_state == SessionState.Closed)
                    {
                        break;
                    }

                    if (_queue.Count > 0)
                    {
                        (batch, _queue) = (_queue, _writerBatch);
                        _writerBusy = true;
                    }
                    else if (_state == SessionState.Closing)
                    {
                        _state = SessionState.Closed;
                        graceful = true;
                        break;
                    }
                    else
                    {
                        _writerBusy = false;
                    }
                }

                if (batch is null)
                {
                    await _writerSignal.WaitAsync().ConfigureAwait(false);
                    continue;
                }

                try
                {
                    await SendBatchAsync(socket, batch, _metrics, _server.TrafficObserver).ConfigureAwait(false);
                }
                finally
                {
                    ReturnQueue(batch);
                    _writerBatch = batch;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            EngineIOLog.TransportFailed(_logger, Id, ex);
            Abort(EngineCloseReasons.TransportError, ex);
            receiveSource.Cancel();
            return;
        }

        WebSocketCloseStatus status;
        lock (_lock)
        {
            status = _closeStatus;
        }

        await CloseOutputAsync(socket, _time, status).ConfigureAwait(false);
        // Give the client a moment to answer the close frame, then stop reading.
        receiveSource.CancelAfter(CloseHandshakeTimeout);
        if (graceful)
        {
            Finish();
        }
    }

    private static async ValueTask SendBatchAsync(WebSocket socket, Queue<EnginePacket> batch, EngineIOMetrics metrics, IEngineTrafficObserver? observer)
    {
        byte[]? scratch = null;
        long bytes = 0;
        var packets = 0;
        try
        {
            foreach (var packet in batch)
            {
                ValueTask send;
                var data = packet.Data;
                var length = (int)data.Length;
                if (packet.IsBinary && data.IsSingleSegment)
                {
                    send = socket.SendAsync(data.First, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                }
                else
                {
                    var offset = packet.IsBinary ? 0 : 1;
                    length += offset;
                    if (scratch is null || scratch.Length < length)
                    {
                        if (scratch is not null)
                        {
                            ArrayPool<byte>.Shared.Return(scratch);
                        }

                        scratch = ArrayPool<byte>.Shared.Rent(Math.Max(length, ReceiveBufferSize));
                    }

                    if (offset == 1)
                    {
                        scratch[0] = (byte)('0' + (byte)packet.Type);
                    }

                    data.CopyTo(scratch.AsSpan(offset));
                    send = socket.SendAsync(
                        new ReadOnlyMemory<byte>(scratch, 0, length),
                        packet.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text,
                        endOfMessage: true,
                        CancellationToken.None);
                }

                if (send.IsCompletedSuccessfully)
                {
                    send.GetAwaiter().GetResult();
                }
                else
                {
                    await send.ConfigureAwait(false);
                }

                bytes += length;
                packets++;
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            metrics.Sent(webSocket: true, packets, bytes);
            observer?.Sent(packets, bytes);
        }
    }

    private static async Task CloseOutputAsync(WebSocket socket, TimeProvider time, WebSocketCloseStatus status)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseHandshakeTimeout, time);
                await socket.CloseOutputAsync(status, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone already.
        }
    }

    /// <summary>Closes a socket that never carried the session (rejected or failed upgrade): close frame, then wait briefly for the answer.</summary>
    private static async Task CloseSocketAsync(WebSocket socket, TimeProvider time, WebSocketCloseStatus status)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseHandshakeTimeout, time);
                await socket.CloseAsync(status, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone already.
        }
    }
}
