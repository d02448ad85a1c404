using System.Text;
using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Protocols;

/// <summary>
/// Socket.IO v5 with the MessagePack parser (socket.io-msgpack-parser 3.x): every Socket.IO packet is one binary
/// Engine.IO message holding a map <c>{type, data, nsp, id?}</c>; Engine.IO's own packets stay text.
/// </summary>
public sealed class SocketIOMessagePackProtocol(string payload) : TargetProtocol(payload)
{
    private static readonly byte[] TypeKey = [0xa4, (byte)'t', (byte)'y', (byte)'p', (byte)'e'];
    private static readonly byte[] ConnectFrame = WebSocketFrames.Encode(WebSocketFrames.OpBinary, Map(("type", Int(0)), ("nsp", Str("/"))));
    private static readonly byte[] PongPacket = WebSocketFrames.Text("3");

    public override string Name => "socketio-msgpack";

    public override string Path => "/socket.io/?EIO=4&transport=websocket";

    public override byte[] EchoFrame { get; } = WebSocketFrames.Encode(WebSocketFrames.OpBinary,
        Map(("type", Int(2)), ("data", Array(Str("echo"), Str(payload))), ("nsp", Str("/")), ("id", Int(1))));

    public override byte[] BroadcastFrame { get; } = WebSocketFrames.Encode(WebSocketFrames.OpBinary,
        Map(("type", Int(2)), ("data", Array(Str("broadcast"), Str(payload))), ("nsp", Str("/"))));

    public override void OnMessage(LoadClient client, ReadOnlySpan<byte> message, IClientEvents events)
    {
        if (message.IsEmpty)
        {
            return;
        }

        // Engine.IO packets are text ('0' open, '2' ping); a Socket.IO packet starts with a msgpack map header.
        if (message[0] == (byte)'0')
        {
            client.Send(ConnectFrame);
            return;
        }

        if (message[0] == (byte)'2')
        {
            client.Send(PongPacket);
            return;
        }

        var at = message.IndexOf(TypeKey);
        if (at < 0 || at + TypeKey.Length >= message.Length)
        {
            return;
        }

        switch (message[at + TypeKey.Length])
        {
            case 0:
                client.MarkReady();
                break;
            case 2:
                events.OnTick(client);
                break;
            case 3:
                events.OnEchoReply(client);
                break;
            case 4:
                client.Fail(new IOException("CONNECT_ERROR (MessagePack)"));
                break;
        }
    }

    private static byte[] Int(int value) => value is >= 0 and < 128 ? [(byte)value] : throw new ArgumentOutOfRangeException(nameof(value));

    private static byte[] Str(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        byte[] header = bytes.Length switch
        {
            < 32 => [(byte)(0xa0 | bytes.Length)],
            < 256 => [0xd9, (byte)bytes.Length],
            _ => [0xda, (byte)(bytes.Length >> 8), (byte)bytes.Length],
        };
        return [.. header, .. bytes];
    }

    private static byte[] Array(params byte[][] items) => items.Length < 16
        ? [(byte)(0x90 | items.Length), .. items.SelectMany(i => i)]
        : throw new ArgumentOutOfRangeException(nameof(items));

    private static byte[] Map(params (string Key, byte[] Value)[] entries) =>
        [(byte)(0x80 | entries.Length), .. entries.SelectMany(e => Str(e.Key).Concat(e.Value))];
}
