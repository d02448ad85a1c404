using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Benchmarks;

/// <summary>
/// An Engine.IO connection that behaves like a transport that writes at once: it takes a reference on a pooled packet
/// when queuing it and gives it back when "written" (right away). What is measured is the Socket.IO layer and the
/// encoder up to the Engine.IO boundary.
/// </summary>
internal sealed class BenchmarkEngineConnection : EngineConnection
{
    private readonly IEngineConnectionHandler _handler;

    public BenchmarkEngineConnection(IEngineConnectionHandler handler, IServiceProvider services, string id)
    {
        _handler = handler;
        Id = id;
        HttpContext = new DefaultHttpContext { RequestServices = services };
        handler.OnOpen(this);
    }

    public override string Id { get; }

    public override HttpContext HttpContext { get; }

    public override string Transport => "websocket";

    public override DateTimeOffset Issued { get; } = DateTimeOffset.UtcNow;

    public override CancellationToken Closed => CancellationToken.None;

    public override bool IsOpen => true;

    public override bool IsWritable => true;

    public override bool SupportsPooledBuffers => true;

    public long Messages { get; private set; }

    public long Bytes { get; private set; }

    public override bool TrySend(EngineMessage message, bool isVolatile = false) => TrySend(new ReadOnlySpan<EngineMessage>(in message), isVolatile);

    public override bool TrySend(ReadOnlySpan<EngineMessage> messages, bool isVolatile = false)
    {
        foreach (ref readonly var message in messages)
        {
            PooledPacketBuffer.TryGetOwner(message.Data, out var owner);
            owner?.AddRef(); // queued
            Messages++;
            Bytes += message.Data.Length;
            owner?.Release(); // written
        }

        return true;
    }

    public override void Close(string reason = EngineCloseReasons.ForcedClose)
    {
    }

    public void Receive(string text) => _handler.OnMessage(this, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text)), false);

    /// <summary>A text message whose bytes the caller keeps (no copy, no allocation here).</summary>
    public void Receive(in ReadOnlySequence<byte> text) => _handler.OnMessage(this, text, false);
}
