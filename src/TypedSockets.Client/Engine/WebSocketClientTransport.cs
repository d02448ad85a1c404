using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using TypedSockets.Protocol.Buffers;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Client.Engine;

/// <summary>
/// WebSocket: one Engine.IO packet per frame; text packets in text frames, binary messages as raw bytes in binary
/// frames (no <c>4</c> prefix).
/// </summary>
internal sealed class WebSocketClientTransport : EngineClientTransport
{
    private readonly ClientWebSocket _socket = new();
    private readonly PooledByteBufferWriter _send = new(256);
    private byte[] _receive = ArrayPool<byte>.Shared.Rent(4096);
    private int _disposed;

    public WebSocketClientTransport(IDictionary<string, string> headers, CookieContainer cookies, Action<ClientWebSocketOptions>? configure)
    {
        foreach (var (name, value) in headers)
        {
            _socket.Options.SetRequestHeader(name, value);
        }

        _socket.Options.Cookies = cookies;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero; // Engine.IO has its own heartbeat.
        configure?.Invoke(_socket.Options);
    }

    public override string Name => "websocket";

    public Task ConnectAsync(Uri uri, CancellationToken cancellationToken) => _socket.ConnectAsync(uri, cancellationToken);

    /// <summary>Reads the open packet of a session started on WebSocket.</summary>
    public async Task<EngineHandshake> ReadHandshakeAsync(CancellationToken cancellationToken)
    {
        var (type, length) = await ReceiveMessageAsync(cancellationToken).ConfigureAwait(false);
        if (type != WebSocketMessageType.Text || length == 0 || _receive[0] != (byte)'0')
        {
            throw new EngineTransportException("Expected an open packet on the WebSocket.");
        }

        return EngineHandshake.Parse(_receive.AsSpan(1, length - 1));
    }

    /// <summary>Sends one text packet outside the writer loop (the probe, before the writer uses this transport).</summary>
    public ValueTask SendTextAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) =>
        _socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Reads one text message during the probe; true when it is exactly <paramref name="expected"/>.</summary>
    public async Task<bool> ReceiveTextAsync(ReadOnlyMemory<byte> expected, CancellationToken cancellationToken)
    {
        var (type, length) = await ReceiveMessageAsync(cancellationToken).ConfigureAwait(false);
        return type == WebSocketMessageType.Text && _receive.AsSpan(0, length).SequenceEqual(expected.Span);
    }

    public override async Task<bool> ReceiveAsync(EnginePacketSink sink, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (type, length) = await ReceiveMessageAsync(cancellationToken).ConfigureAwait(false);
            switch (type)
            {
                case WebSocketMessageType.Close:
                    return true;
                case WebSocketMessageType.Binary:
                    sink(this, EnginePacket.BinaryMessage(_receive.AsMemory(0, length)));
                    break;
                default:
                    var reader = new EnginePacketReader(new ReadOnlySequence<byte>(_receive, 0, length), EnginePacketFraming.SinglePacket);
                    try
                    {
                        if (reader.TryRead(out var packet))
                        {
                            if (packet.Type == EnginePacketType.Close)
                            {
                                return true;
                            }

                            sink(this, packet);
                        }
                    }
                    finally
                    {
                        reader.Dispose();
                    }

                    break;
            }
        }
    }

    public override async ValueTask SendAsync(List<EngineOutgoing> batch, CancellationToken cancellationToken)
    {
        foreach (var item in batch)
        {
            if (item.Packet is { } packet)
            {
                if (packet.PayloadIsBinary)
                {
                    await _socket.SendAsync(packet.Payload, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    _send.Reset();
                    _send.Write((byte)'4');
                    _send.Write(packet.Payload.Span);
                    await _socket.SendAsync(_send.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                }

                foreach (var attachment in packet.Attachments)
                {
                    await _socket.SendAsync(attachment, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                _send.Reset();
                _send.Write((byte)('0' + (byte)item.Type));
                _send.Write(item.Data.Span);
                await _socket.SendAsync(_send.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes the WebSocket politely (bounded by <paramref name="cancellationToken"/>).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
        }
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Abort();
            _socket.Dispose();
            _send.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task<(WebSocketMessageType Type, int Length)> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _receive.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(_receive.Length * 2);
                _receive.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_receive);
                _receive = larger;
            }

            var result = await _socket.ReceiveAsync(_receive.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, 0);
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return (result.MessageType, length);
            }
        }
    }
}
