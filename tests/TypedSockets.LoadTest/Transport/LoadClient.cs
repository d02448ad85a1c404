using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TypedSockets.LoadTest.Protocols;

namespace TypedSockets.LoadTest.Transport;

/// <summary>
/// One load-generating WebSocket client on a plain <see cref="Socket"/>: an HTTP/1.1 upgrade, then a receive loop
/// that parses server frames in place and hands each message to the target's protocol. Sends are pre-encoded frames.
/// </summary>
public sealed class LoadClient
{
    private const int InitialBufferSize = 4096;
    private static readonly byte[] PongFrame = WebSocketFrames.Encode(WebSocketFrames.OpPong, []);
    private static readonly byte[] CloseFrame = WebSocketFrames.Encode(WebSocketFrames.OpClose, [0x03, 0xE8]);

    private readonly TargetProtocol _protocol;
    private readonly IClientEvents _events;
    private readonly Socket _socket;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private int _closed;

    public LoadClient(int index, TargetProtocol protocol, IClientEvents events)
    {
        Index = index;
        _protocol = protocol;
        _events = events;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    }

    public int Index { get; }

    /// <summary>Completes when the protocol handshake is done (Socket.IO CONNECT answered, SignalR handshake answered).</summary>
    public Task Ready => _ready.Task;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Per-client send timestamps of requests still outstanding (echo), owned by the scenario.</summary>
    public Queue<long> Outstanding { get; } = new();

    /// <summary>Opens the TCP connection from <paramref name="source"/>, upgrades it, and starts the receive loop.</summary>
    public async Task ConnectAsync(IPAddress source, IPEndPoint server, CancellationToken cancellationToken)
    {
        _socket.Bind(new IPEndPoint(source, 0));
        await _socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var request = Encoding.ASCII.GetBytes(
            $"GET {_protocol.Path} HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);

        while (true)
        {
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("The server closed the connection during the upgrade.");
            }

            _end += read;
            var headerEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (headerEnd < 0)
            {
                if (_end == _buffer.Length)
                {
                    throw new InvalidDataException("Upgrade response headers too long.");
                }

                continue;
            }

            if (!_buffer.AsSpan(0, _end).StartsWith("HTTP/1.1 101"u8))
            {
                var line = Encoding.ASCII.GetString(_buffer, 0, Math.Max(0, _buffer.AsSpan(0, _end).IndexOf("\r\n"u8)));
                throw new IOException($"Upgrade refused: {line}");
            }

            _start = headerEnd + 4;
            break;
        }

        if (_protocol.OpenFrame is { } open)
        {
            Send(open);
        }

        if (_protocol.ReadyOnUpgrade)
        {
            MarkReady();
        }

        _ = ReceiveLoopAsync();
    }

    public void MarkReady() => _ready.TrySetResult();

    /// <summary>Sends one pre-encoded frame. Callers never overlap sends on one client.</summary>
    public void Send(byte[] frame)
    {
        if (IsClosed)
        {
            return;
        }

        try
        {
            var pending = _socket.SendAsync(frame.AsMemory(), SocketFlags.None);
            if (!pending.IsCompletedSuccessfully)
            {
                _ = AwaitSendAsync(pending);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Fail(ex);
        }
    }

    public void SendPong() => Send(PongFrame);

    /// <summary>Sends a close frame and shuts the socket.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Send(CloseFrame);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
    }

    /// <summary>
    /// Drops the connection abruptly, as a lost network would: no WebSocket close frame, a TCP reset (linger 0). The
    /// scenario that calls it hears no <see cref="IClientEvents.OnClosed"/> for this client.
    /// </summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
    }

    public void Fail(Exception? error)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _ready.TrySetException(error ?? new IOException("The connection closed."));
        _socket.Dispose();
        _events.OnClosed(this, error);
    }

    private async Task AwaitSendAsync(ValueTask<int> pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Fail(ex);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                if (!ProcessFrames())
                {
                    Fail(null);
                    return;
                }

                if (_end == _buffer.Length)
                {
                    if (_start > 0)
                    {
                        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                        _end -= _start;
                        _start = 0;
                    }
                    else
                    {
                        Array.Resize(ref _buffer, _buffer.Length * 2);
                    }
                }

                var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    Fail(null);
                    return;
                }

                _end += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidDataException)
        {
            Fail(ex);
        }
    }

    // Parses every complete frame in the buffer. False when the server closed the WebSocket.
    private bool ProcessFrames()
    {
        while (WebSocketFrames.TryReadHeader(_buffer.AsSpan(_start, _end - _start), out var fin, out var opcode, out var headerLength, out var payloadLength))
        {
            if (_end - _start - headerLength < payloadLength)
            {
                break;
            }

            if (!fin)
            {
                throw new InvalidDataException("Fragmented server messages are not expected by the load tool.");
            }

            var payload = _buffer.AsSpan(_start + headerLength, (int)payloadLength);
            _start += headerLength + (int)payloadLength;
            switch (opcode)
            {
                case WebSocketFrames.OpText:
                case WebSocketFrames.OpBinary:
                    _protocol.OnMessage(this, payload, _events);
                    break;
                case WebSocketFrames.OpPing:
                    SendPong();
                    break;
                case WebSocketFrames.OpClose:
                    return false;
            }
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }

        return true;
    }
}

/// <summary>What a scenario hears from its clients. Called on the client's receive loop.</summary>
public interface IClientEvents
{
    void OnEchoReply(LoadClient client);

    void OnTick(LoadClient client);

    void OnClosed(LoadClient client, Exception? error);
}
