using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.Tests.SocketIO;

/// <summary>
/// An in-memory Engine.IO connection for testing the Socket.IO layer without a transport: what the server sends is
/// readable as text frames ("b:" + hex for binary), and the test feeds messages as a client would.
/// </summary>
internal sealed class TestEngineConnection : EngineConnection
{
    private readonly IEngineConnectionHandler _handler;
    private readonly CancellationTokenSource _closed = new();
    private readonly Channel<string> _sent = Channel.CreateUnbounded<string>();
    private readonly Lock _sync = new();
    private int _open = 1;

    public TestEngineConnection(IEngineConnectionHandler handler, IServiceProvider services, string id)
    {
        _handler = handler;
        Id = id;
        HttpContext = new DefaultHttpContext { RequestServices = services };
        HttpContext.Request.Headers["x-test"] = "yes";
        HttpContext.Request.QueryString = new QueryString("?EIO=4&transport=websocket&room=blue");
        Issued = DateTimeOffset.UtcNow;
        handler.OnOpen(this);
    }

    public override string Id { get; }

    public override HttpContext HttpContext { get; }

    public override string Transport => "websocket";

    public override DateTimeOffset Issued { get; }

    public override CancellationToken Closed => _closed.Token;

    public override bool IsOpen => Volatile.Read(ref _open) == 1;

    public bool Writable { get; set; } = true;

    public override bool IsWritable => Writable;

    public string? CloseReason { get; private set; }

    /// <summary>Every message's bytes as handed to the transport (to check sharing across recipients).</summary>
    public List<ReadOnlyMemory<byte>> RawSent { get; } = [];

    public override bool TrySend(EngineMessage message, bool isVolatile = false) => TrySend([message], isVolatile);

    public override bool TrySend(ReadOnlySpan<EngineMessage> messages, bool isVolatile = false)
    {
        if (!IsOpen || (isVolatile && !Writable))
        {
            return false;
        }

        lock (_sync)
        {
            foreach (var m in messages)
            {
                RawSent.Add(m.Data);
                _sent.Writer.TryWrite(m.IsBinary ? "b:" + Convert.ToHexString(m.Data.Span) : Encoding.UTF8.GetString(m.Data.Span));
            }
        }

        return true;
    }

    public override void Close(string reason = EngineCloseReasons.ForcedClose)
    {
        if (Interlocked.Exchange(ref _open, 0) == 1)
        {
            CloseReason = reason;
            _closed.Cancel();
            _sent.Writer.TryComplete();
            _handler.OnClose(this, reason, null);
        }
    }

    /// <summary>The client sends a text message.</summary>
    public void Receive(string text) => _handler.OnMessage(this, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text)), false);

    /// <summary>The client sends a binary message.</summary>
    public void Receive(byte[] binary) => _handler.OnMessage(this, new ReadOnlySequence<byte>(binary), true);

    /// <summary>The next message the server sent, within a timeout.</summary>
    public async Task<string> NextAsync(int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            return await _sent.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The server sent nothing in time.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The connection closed ({CloseReason}).");
        }
    }

    /// <summary>True when nothing more was sent within <paramref name="ms"/>.</summary>
    public async Task<bool> NothingSentAsync(int ms = 200)
    {
        using var cts = new CancellationTokenSource(ms);
        try
        {
            return !await _sent.Reader.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }
}
