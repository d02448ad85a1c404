using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Server.EngineIO;

/// <summary>HTTP long-polling: the parked GET is the session's writer; a POST carries a payload of packets in.</summary>
internal sealed partial class EngineSession
{
    private const int FlushThreshold = 64 * 1024;
    private static readonly byte[] OkBody = "ok"u8.ToArray();

    private readonly AsyncSignal _pollSignal = new();

    // Guarded by _lock.
    private Queue<EnginePacket>? _pollBatch; // the spare queue swapped with _queue; created by the first batch
    private bool _pollParked;
    private bool _pollAborted;
    private bool _noopRequested;
    private EnginePacketType? _pollTrailer;
    private bool _postActive;

    /// <summary>A GET with this session's sid: answers at once when something is queued, else parks until there is.</summary>
    public async Task HandlePollAsync(HttpContext context)
    {
        var admission = AdmitPoll();
        if (admission == RequestAdmission.Gone)
        {
            await EngineIOServer.WriteErrorAsync(context, EngineErrorCode.UnknownSid, null, webSocket: false).ConfigureAwait(false);
            return;
        }

        if (admission == RequestAdmission.Overlap)
        {
            EngineIOLog.PollOverlap(_logger, Id);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            Abort(EngineCloseReasons.TransportError, new InvalidOperationException("overlap from client"));
            return;
        }

        Queue<EnginePacket>? batch = null;
        EnginePacketType? trailer = null;
        var finish = false;
        var abandoned = false;
        var upgraded = false;
        var registration = context.RequestAborted.Register(
            static state => ((EngineSession)state!).OnPollAborted(), this);
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    if (_pollAborted)
                    {
                        _pollParked = false;
                        abandoned = !_isWebSocket;
                        break;
                    }

                    if (_pollTrailer is not null)
                    {
                        // The session ended while this GET was parked: close (or noop) only.
                        trailer = _pollTrailer;
                        _pollParked = false;
                        break;
                    }

                    if (_isWebSocket)
                    {
                        // Upgraded while parked (a conforming client has no GET left by then, since it waits for its
                        // polls to end before sending the upgrade): the queue belongs to the WebSocket now, and this
                        // GET is answered as any polling request after the upgrade.
                        _pollParked = false;
                        upgraded = true;
                        break;
                    }

                    if (_state == SessionState.Closing)
                    {
                        _pollParked = false;
                        if (_queue.Count > 0)
                        {
                            // As the reference: the buffer drains first, and the close packet goes alone on the next
                            // GET (clients handle a close packet before the Socket.IO packets of the same payload).
                            (batch, _queue) = (_queue, _pollBatch ?? new());
                            ArmTimer(TimerState.WaitingForCloseFlush, _options.PingInterval + _options.PingTimeout);
                            break;
                        }

                        trailer = EnginePacketType.Close;
                        _state = SessionState.Closed;
                        finish = true;
                        break;
                    }

                    if (_queue.Count > 0)
                    {
                        (batch, _queue) = (_queue, _pollBatch ?? new());
                        _pollParked = false;
                        break;
                    }

                    if (_noopRequested || _state == SessionState.Closed)
                    {
                        trailer = EnginePacketType.Noop;
                        _pollParked = false;
                        break;
                    }
                }

                await _pollSignal.WaitAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            registration.Dispose();
        }

        if (upgraded)
        {
            await EngineIOServer.WriteErrorAsync(context, EngineErrorCode.BadRequest, null, webSocket: false).ConfigureAwait(false);
            return;
        }

        if (batch is null && trailer is null)
        {
            if (abandoned)
            {
                // The client went away while the GET was parked (once upgraded, that no longer matters). The reference
                // reports this as "transport error" ("poll connection closed prematurely").
                Abort(EngineCloseReasons.TransportError, new IOException("poll connection closed prematurely"));
            }

            return;
        }

        try
        {
            await WritePayloadAsync(context, batch, trailer, _metrics, _server.TrafficObserver).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            EngineIOLog.TransportFailed(_logger, Id, ex);
            Abort(EngineCloseReasons.TransportError, ex);
        }
        finally
        {
            if (batch is not null)
            {
                ReturnQueue(batch);
                lock (_lock)
                {
                    _pollBatch = batch;
                }
            }

            if (finish)
            {
                Finish();
            }
        }
    }

    private RequestAdmission AdmitPoll()
    {
        lock (_lock)
        {
            if (_state == SessionState.Closed || _isWebSocket)
            {
                return RequestAdmission.Gone;
            }

            if (_pollParked)
            {
                return RequestAdmission.Overlap;
            }

            _pollParked = true;
            _pollAborted = false;
            _noopRequested = false;
            _pollTrailer = null;
            return RequestAdmission.Admitted;
        }
    }

    private RequestAdmission AdmitPost()
    {
        lock (_lock)
        {
            if (_state == SessionState.Closed || _isWebSocket)
            {
                return RequestAdmission.Gone;
            }

            if (_postActive)
            {
                return RequestAdmission.Overlap;
            }

            _postActive = true;
            return RequestAdmission.Admitted;
        }
    }

    private void OnPollAborted()
    {
        lock (_lock)
        {
            if (_pollParked)
            {
                _pollAborted = true;
                _pollSignal.Set();
            }
        }
    }

    /// <summary>During an upgrade: answers a parked GET with a noop so that the client can pause polling.</summary>
    private void RequestNoop()
    {
        lock (_lock)
        {
            if (_pollParked && !_isWebSocket)
            {
                _noopRequested = true;
                _pollSignal.Set();
            }
        }
    }

    /// <summary>Answers a GET with a payload of one noop packet.</summary>
    internal static Task WriteNoopAsync(HttpContext context, EngineIOMetrics metrics) => WritePayloadAsync(context, null, EnginePacketType.Noop, metrics);

    private static async Task WritePayloadAsync(HttpContext context, Queue<EnginePacket>? batch, EnginePacketType? trailer, EngineIOMetrics metrics, IEngineTrafficObserver? observer = null)
    {
        long length = 0;
        var count = 0;
        if (batch is not null)
        {
            foreach (var packet in batch)
            {
                length += EnginePacketWriter.GetTextLength(packet);
                count++;
            }
        }

        if (trailer is not null)
        {
            length++;
            count++;
        }

        length += count - 1;

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain; charset=UTF-8";
        response.Headers.CacheControl = "no-store";
        response.ContentLength = length;

        var writer = response.BodyWriter;
        var first = true;
        if (batch is not null)
        {
            foreach (var packet in batch)
            {
                if (!first)
                {
                    WriteByte(writer, EnginePacketWriter.RecordSeparator);
                }

                first = false;
                EnginePacketWriter.WriteText(packet, writer);
                if (writer.CanGetUnflushedBytes && writer.UnflushedBytes > FlushThreshold)
                {
                    await writer.FlushAsync().ConfigureAwait(false);
                }
            }
        }

        if (trailer is { } type)
        {
            if (!first)
            {
                WriteByte(writer, EnginePacketWriter.RecordSeparator);
            }

            WriteByte(writer, (byte)('0' + (byte)type));
        }

        await writer.FlushAsync().ConfigureAwait(false);
        metrics.Sent(webSocket: false, count, length);
        observer?.Sent(count, length);
    }

    private static void WriteByte(PipeWriter writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    /// <summary>A POST with this session's sid: reads the payload (bounded) and delivers its packets in order.</summary>
    public async Task HandlePostAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var admission = AdmitPost();
        if (admission == RequestAdmission.Gone)
        {
            await EngineIOServer.WriteErrorAsync(context, EngineErrorCode.UnknownSid, null, webSocket: false).ConfigureAwait(false);
            return;
        }

        if (admission == RequestAdmission.Overlap)
        {
            EngineIOLog.PostOverlap(_logger, Id);
            response.StatusCode = StatusCodes.Status400BadRequest;
            Abort(EngineCloseReasons.TransportError, new InvalidOperationException("data request overlap from client"));
            return;
        }

        try
        {
            if (request.ContentType is { } contentType && contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            {
                EngineIOLog.InvalidContentType(_logger, Id, contentType);
                response.StatusCode = StatusCodes.Status400BadRequest;
                Abort(EngineCloseReasons.TransportError, new InvalidDataException("invalid content"));
                return;
            }

            var max = _options.MaxHttpBufferSize;
            if (request.ContentLength > max)
            {
                RejectTooLarge(response, max);
                return;
            }

            PostOutcome outcome;
            try
            {
                outcome = await ReadAndDeliverAsync(context, max).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException or ObjectDisposedException)
            {
                EngineIOLog.TransportFailed(_logger, Id, ex);
                Abort(EngineCloseReasons.TransportError, ex);
                return;
            }

            if (outcome == PostOutcome.TooLarge)
            {
                RejectTooLarge(response, max);
                return;
            }

            if (outcome == PostOutcome.Malformed)
            {
                response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            if (ReadPause is { } pause)
            {
                // Backpressure: the client sends its next POST only once this one is answered.
                try
                {
                    await pause.WaitAsync(context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/html";
            response.Headers.CacheControl = "no-store";
            response.ContentLength = OkBody.Length;
            await response.BodyWriter.WriteAsync(OkBody).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _postActive = false;
            }
        }
    }

    private void RejectTooLarge(HttpResponse response, long max)
    {
        EngineIOLog.PayloadTooLarge(_logger, Id, max);
        response.StatusCode = StatusCodes.Status413PayloadTooLarge;
    }

    /// <summary>Reads the whole body (unless it exceeds <paramref name="max"/>) and delivers its packets.</summary>
    private async Task<PostOutcome> ReadAndDeliverAsync(HttpContext context, long max)
    {
        var reader = context.Request.BodyReader;
        byte[]? pooled = null;
        var pooledLength = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (pooledLength + buffer.Length > max)
                {
                    reader.AdvanceTo(buffer.End);
                    return PostOutcome.TooLarge;
                }

                if (pooled is null && result.IsCompleted)
                {
                    // The whole body is already buffered: parse it in place.
                    try
                    {
                        return DeliverPayload(buffer);
                    }
                    finally
                    {
                        reader.AdvanceTo(buffer.End);
                    }
                }

                var needed = pooledLength + (int)buffer.Length;
                if (pooled is null || pooled.Length < needed)
                {
                    var hint = context.Request.ContentLength is long declared ? (int)Math.Min(declared, max) : 4096;
                    var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(hint, (pooled?.Length ?? 0) * 2)));
                    if (pooled is not null)
                    {
                        pooled.AsSpan(0, pooledLength).CopyTo(grown);
                        ArrayPool<byte>.Shared.Return(pooled);
                    }

                    pooled = grown;
                }

                buffer.CopyTo(pooled.AsSpan(pooledLength));
                pooledLength = needed;
                reader.AdvanceTo(buffer.End);

                if (result.IsCompleted)
                {
                    return DeliverPayload(new ReadOnlySequence<byte>(pooled, 0, pooledLength));
                }
            }
        }
        finally
        {
            if (pooled is not null)
            {
                ArrayPool<byte>.Shared.Return(pooled);
            }
        }
    }

    /// <summary>Parses a polling payload and hands its packets to the session in order; a malformed one closes it.</summary>
    private PostOutcome DeliverPayload(in ReadOnlySequence<byte> payload)
    {
        var packets = 0;
        var outcome = PostOutcome.Delivered;
        lock (_handlerGate)
        {
            _dispatching = true;
            var reader = new EnginePacketReader(payload, EnginePacketFraming.Payload);
            try
            {
                while (_state == SessionState.Open && reader.TryRead(out var packet))
                {
                    packets++;
                    OnPacket(packet);
                }
            }
            catch (InvalidDataException ex)
            {
                EngineIOLog.ParseError(_logger, Id, ex);
                Abort(EngineCloseReasons.ParseError, ex);
                outcome = PostOutcome.Malformed;
            }
            finally
            {
                reader.Dispose();
                EndDispatch();
            }
        }

        _metrics.Received(webSocket: false, packets, payload.Length);
        _server.TrafficObserver?.Received(packets, payload.Length);
        return outcome;
    }

    private enum RequestAdmission
    {
        Admitted,
        Overlap,
        Gone,
    }

    private enum PostOutcome
    {
        Delivered,
        Malformed,
        TooLarge,
    }
}
