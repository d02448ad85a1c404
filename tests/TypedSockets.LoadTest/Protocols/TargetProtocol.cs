using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Protocols;

/// <summary>
/// The wire protocol of one kind of target: the upgrade path, the pre-encoded request frames, and how a server
/// message is classified. Every target serves the same two operations: "echo" (answered to the sender) and
/// "broadcast" (a "tick" with the same payload to every connected client, the sender included).
/// </summary>
public abstract class TargetProtocol
{
    protected TargetProtocol(string payload)
    {
        Payload = payload;
    }

    /// <summary>The application payload carried by echo and broadcast requests.</summary>
    public string Payload { get; }

    public abstract string Name { get; }

    public abstract string Path { get; }

    /// <summary>A frame sent right after the upgrade (the SignalR handshake), or null.</summary>
    public virtual byte[]? OpenFrame => null;

    /// <summary>True when the connection is usable as soon as the upgrade completes (no protocol handshake).</summary>
    public virtual bool ReadyOnUpgrade => false;

    public abstract byte[] EchoFrame { get; }

    public abstract byte[] BroadcastFrame { get; }

    public abstract void OnMessage(LoadClient client, ReadOnlySpan<byte> message, IClientEvents events);

    /// <summary>socketio (ours and Node), socketio-msgpack (the MessagePack parser), signalr, raw.</summary>
    public static TargetProtocol Create(string protocol, int payloadBytes)
    {
        var payload = MakePayload(payloadBytes);
        return protocol switch
        {
            "socketio" => new SocketIOProtocol(payload),
            "socketio-msgpack" => new SocketIOMessagePackProtocol(payload),
            "signalr" => new SignalRProtocol(payload),
            "raw" => new RawProtocol(payload),
            _ => throw new ArgumentException($"Unknown protocol '{protocol}' (socketio, socketio-msgpack, signalr, raw).", nameof(protocol)),
        };
    }

    private static string MakePayload(int bytes)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(Math.Max(1, bytes), 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[i % Alphabet.Length];
            }
        });
    }
}

/// <summary>Engine.IO v4 / Socket.IO v5 over WebSocket, default namespace, JSON parser.</summary>
public sealed class SocketIOProtocol(string payload) : TargetProtocol(payload)
{
    private static readonly byte[] ConnectFrame = WebSocketFrames.Text("40");
    private static readonly byte[] PongPacket = WebSocketFrames.Text("3");

    public override string Name => "socketio";

    public override string Path => "/socket.io/?EIO=4&transport=websocket";

    // One ack outstanding per client at a time in closed loop, in order otherwise: a constant ack id is enough.
    public override byte[] EchoFrame { get; } = WebSocketFrames.Text($"421[\"echo\",\"{payload}\"]");

    public override byte[] BroadcastFrame { get; } = WebSocketFrames.Text($"42[\"broadcast\",\"{payload}\"]");

    public override void OnMessage(LoadClient client, ReadOnlySpan<byte> message, IClientEvents events)
    {
        if (message.IsEmpty)
        {
            return;
        }

        switch (message[0])
        {
            case (byte)'0': // Engine.IO open
                client.Send(ConnectFrame);
                break;
            case (byte)'2': // Engine.IO ping
                client.Send(PongPacket);
                break;
            case (byte)'4' when message.Length > 1:
                switch (message[1])
                {
                    case (byte)'0':
                        client.MarkReady();
                        break;
                    case (byte)'3':
                        events.OnEchoReply(client);
                        break;
                    case (byte)'2':
                        events.OnTick(client);
                        break;
                    case (byte)'4':
                        client.Fail(new IOException("CONNECT_ERROR: " + System.Text.Encoding.UTF8.GetString(message)));
                        break;
                }

                break;
        }
    }
}

/// <summary>ASP.NET Core SignalR, JSON hub protocol, WebSocket without negotiation.</summary>
public sealed class SignalRProtocol(string payload) : TargetProtocol(payload)
{
    private const byte RecordSeparator = 0x1e;

    public override string Name => "signalr";

    public override string Path => "/hub";

    public override byte[]? OpenFrame { get; } = WebSocketFrames.Text("{\"protocol\":\"json\",\"version\":1}\u001e");

    public override byte[] EchoFrame { get; } =
        WebSocketFrames.Text($"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"Echo\",\"arguments\":[\"{payload}\"]}}\u001e");

    public override byte[] BroadcastFrame { get; } =
        WebSocketFrames.Text($"{{\"type\":1,\"target\":\"Broadcast\",\"arguments\":[\"{payload}\"]}}\u001e");

    public override void OnMessage(LoadClient client, ReadOnlySpan<byte> message, IClientEvents events)
    {
        while (!message.IsEmpty)
        {
            var end = message.IndexOf(RecordSeparator);
            var record = end < 0 ? message : message[..end];
            message = end < 0 ? default : message[(end + 1)..];
            if (record.SequenceEqual("{}"u8))
            {
                client.MarkReady();
            }
            else if (record.StartsWith("{\"type\":3"u8))
            {
                events.OnEchoReply(client);
            }
            else if (record.StartsWith("{\"type\":1,\"target\":\"tick\""u8))
            {
                events.OnTick(client);
            }
            else if (record.StartsWith("{\"error\""u8) || record.StartsWith("{\"type\":7"u8))
            {
                client.Fail(new IOException("SignalR error: " + System.Text.Encoding.UTF8.GetString(record)));
                return;
            }
        }
    }
}

/// <summary>Bare WebSocket messages: "e..." is echoed back, "b..." makes the server send "t..." to everyone.</summary>
public sealed class RawProtocol(string payload) : TargetProtocol(payload)
{
    public override string Name => "raw";

    public override string Path => "/ws";

    public override bool ReadyOnUpgrade => true;

    public override byte[] EchoFrame { get; } = WebSocketFrames.Text("e" + payload);

    public override byte[] BroadcastFrame { get; } = WebSocketFrames.Text("b" + payload);

    public override void OnMessage(LoadClient client, ReadOnlySpan<byte> message, IClientEvents events)
    {
        if (message.IsEmpty)
        {
            return;
        }

        if (message[0] == (byte)'e')
        {
            events.OnEchoReply(client);
        }
        else if (message[0] == (byte)'t')
        {
            events.OnTick(client);
        }
    }
}
