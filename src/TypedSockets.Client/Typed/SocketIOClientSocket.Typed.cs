using System.Buffers;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client;

/// <summary>The typed path: generated emitters write straight into the parser's packet writer; generated dispatchers read events.</summary>
public sealed partial class SocketIOClientSocket
{
    private static readonly CancellationToken s_cancelled = new(canceled: true);
    private SocketIOClientSocketSink? _typedSink;
    private CancellationTokenSource? _connectionCts;

    /// <summary>The sink generated emitters for this socket send through.</summary>
    internal SocketIOClientSocketSink TypedSink => _typedSink ??= new SocketIOClientSocketSink(this);

    internal SocketIOParser Parser => _parser;

    /// <summary>Fires when the current connection of this namespace goes away (already cancelled while disconnected).</summary>
    internal CancellationToken ConnectionAborted
    {
        get
        {
            lock (_gate)
            {
                return _connectionCts?.Token ?? s_cancelled;
            }
        }
    }

    /// <summary>A new connection of the namespace (under <see cref="_gate"/>).</summary>
    private void OnConnectionStarted()
    {
        _connectionCts?.Dispose();
        _connectionCts = new CancellationTokenSource();
    }

    /// <summary>The connection of the namespace ended: handlers taking a CancellationToken see it cancelled, streams end.</summary>
    private void CancelConnectionToken()
    {
        AbortStreams();
        CancellationTokenSource? cts;
        lock (_gate)
        {
            cts = _connectionCts;
            _connectionCts = null;
        }

        if (cts is not null)
        {
            try
            {
                cts.Cancel();
            }
            catch (AggregateException e)
            {
                SocketIOClientLog.HandlerFailed(_logger, "disconnect", Namespace, e);
            }

            cts.Dispose();
        }
    }

    /// <summary>
    /// Sends a typed event: the ack, when given, is registered first; with at-least-once delivery the arguments are
    /// decoded back so the retry queue can re-send them.
    /// </summary>
    internal bool SendTyped(SocketIOPacketWriter writer, PendingAck? ack, CancellationToken cancellationToken)
    {
        var eventName = writer.Event?.Name ?? throw new ArgumentException("The writer holds no event.", nameof(writer));
        if (_options.Retries > 0)
        {
            var queued = Finish(writer, -1);
            return Enqueue(eventName, DecodeArguments(queued), ack, null, cancellationToken);
        }

        long ackId = -1;
        if (ack is not null)
        {
            ackId = Interlocked.Increment(ref _lastAckId);
            ack.Id = ackId;
            _acks[ackId] = ack;
            ack.Arm(_options.AckTimeout, _options.TimeProvider, cancellationToken);
        }

        EncodedPacket packet;
        try
        {
            packet = Finish(writer, ackId);
        }
        catch
        {
            if (ack is not null)
            {
                _acks.TryRemove(ackId, out _);
            }

            throw;
        }

        return Deliver(eventName, null, packet, ack, isVolatile: false);
    }

    /// <summary>Sends an encoded acknowledgement.</summary>
    internal bool SendEncodedAck(EncodedPacket packet)
    {
        lock (_gate)
        {
            return _state == ConnectionState.Connected && _manager.TrySend(packet);
        }
    }

    /// <summary>
    /// Completes <paramref name="writer"/> into a packet that owns its payload (the offline buffer and the engine's
    /// queue keep packets after this call returns) and gives the writer back.
    /// </summary>
    internal static EncodedPacket Finish(SocketIOPacketWriter writer, long ackId)
    {
        try
        {
            var outgoing = writer.Complete(ackId);
            try
            {
                return outgoing.ToEncodedPacket();
            }
            finally
            {
                outgoing.Release();
            }
        }
        finally
        {
            writer.Return();
        }
    }

    /// <summary>The arguments of an encoded event in their re-emittable raw form (decoded with the same parser).</summary>
    private object?[] DecodeArguments(EncodedPacket packet)
    {
        var decoder = _parser.CreateDecoder(packet.Attachments.Length);
        var done = decoder.TryDecode(new ReadOnlySequence<byte>(packet.Payload), packet.PayloadIsBinary, out var decoded);
        foreach (var attachment in packet.Attachments)
        {
            done = decoder.TryDecode(new ReadOnlySequence<byte>(attachment), isBinary: true, out decoded);
        }

        if (!done || decoded?.Data is null)
        {
            throw new InvalidOperationException("The typed writer produced a packet its parser cannot read back.");
        }

        return decoded.Data.ToRawArray();
    }

    internal static SocketIOPacketWriter AsPacketWriter(SocketEventWriter writer) =>
        writer as SocketIOPacketWriter ?? throw new ArgumentException("The writer was not rented from this client's parser.", nameof(writer));
}

/// <summary>The <see cref="SocketEventSink"/> of one client socket: generated emitters for the server's contract send here.</summary>
internal sealed class SocketIOClientSocketSink : SocketEventSink
{
    private readonly SocketIOClientSocket _socket;

    public SocketIOClientSocketSink(SocketIOClientSocket socket)
    {
        _socket = socket;
    }

    public override SocketEventWriter BeginEvent(SocketEventName name)
    {
        var writer = _socket.Parser.RentPacketWriter();
        writer.BeginEvent(_socket.Namespace, name);
        return writer;
    }

    public override bool Send(SocketEventWriter writer) =>
        _socket.SendTyped(SocketIOClientSocket.AsPacketWriter(writer), ack: null, CancellationToken.None);

    public override async Task<T> SendWithAckAsync<T>(SocketEventWriter writer, CancellationToken cancellationToken)
    {
        var reply = await SendWithRawAckAsync(writer, cancellationToken).ConfigureAwait(false);
        if (reply.TryGetError(out var error))
        {
            throw error;
        }

        return reply.Count > 0 ? reply.Get<T>(0)! : default!;
    }

    protected override TypedSockets.Streaming.SocketStreamHost? Streams => _socket.Streams;

    protected override async Task<ISocketEventArguments> SendWithAckAsync(SocketEventWriter writer, CancellationToken cancellationToken) =>
        await SendWithRawAckAsync(writer, cancellationToken).ConfigureAwait(false);

    private async Task<SocketIOArguments> SendWithRawAckAsync(SocketEventWriter writer, CancellationToken cancellationToken)
    {
        var packetWriter = SocketIOClientSocket.AsPacketWriter(writer);
        var ack = new PendingAck(_socket, packetWriter.Event?.Name ?? string.Empty, withTask: true, callback: null);
        _socket.SendTyped(packetWriter, ack, cancellationToken);
        return await ack.Task.ConfigureAwait(false);
    }
}

/// <summary>An incoming event handed to a generated dispatcher on the client.</summary>
internal sealed class SocketIOClientEventContext : SocketEventContext
{
    private readonly SocketIOClientSocket _socket;
    private readonly string _eventName;
    private readonly SocketIOArguments _arguments;
    private readonly SocketIOAck? _ack;

    public SocketIOClientEventContext(SocketIOClientSocket socket, string eventName, SocketIOArguments arguments, SocketIOAck? ack)
    {
        _socket = socket;
        _eventName = eventName;
        _arguments = arguments;
        _ack = ack;
    }

    public override ISocketEventArguments Arguments => _arguments;

    public override string EventName => _eventName;

    public override bool HasAck => _ack is not null;

    public override CancellationToken Aborted => _socket.ConnectionAborted;

    public override SocketEventWriter BeginAck()
    {
        var writer = _socket.Parser.RentPacketWriter();
        writer.BeginAck(_socket.Namespace);
        return writer;
    }

    protected override TypedSockets.Streaming.SocketStreamHost? Streams => _socket.Streams;

    public override bool SendAck(SocketEventWriter writer)
    {
        var packetWriter = SocketIOClientSocket.AsPacketWriter(writer);
        if (_ack is null)
        {
            packetWriter.Return();
            return false;
        }

        return _ack.SendTyped(packetWriter);
    }
}
