using System.Globalization;
using System.Text;
using System.Text.Json;
using TypedSockets.LoadTest.Transport;

namespace TypedSockets.LoadTest.Protocols;

/// <summary>
/// The soak target's wire (Engine.IO v4 / Socket.IO v5, JSON parser, default namespace, <c>SoakHub</c>): acknowledged
/// calls <c>request(n)</c>, <c>join(room)</c>, <c>leave(room)</c>, <c>publish(room)</c> and the broadcast
/// <c>message(room, seq, offset)</c>, whose last argument is the connection state recovery offset. Each server message
/// is parsed and handed to the scenario's <see cref="ISoakEvents"/>.
/// </summary>
public sealed class SoakProtocol() : TargetProtocol("soak")
{
    /// <summary>The Engine.IO pong.</summary>
    public static readonly byte[] PongPacket = WebSocketFrames.Text("3");

    public override string Name => "soak";

    public override string Path => "/socket.io/?EIO=4&transport=websocket";

    // The soak scenario encodes its frames per call (each carries its own ack id).
    public override byte[] EchoFrame { get; } = WebSocketFrames.Text("421[\"request\",0]");

    public override byte[] BroadcastFrame { get; } = WebSocketFrames.Text("421[\"publish\",\"r0\"]");

    /// <summary>The CONNECT packet: plain, or with the session to recover (<c>40{"pid":..,"offset":..}</c>).</summary>
    public static byte[] Connect(string? pid, string? offset) =>
        pid is null || offset is null
            ? WebSocketFrames.Text("40")
            : WebSocketFrames.Text($"40{{\"pid\":{JsonSerializer.Serialize(pid, SoakJsonContext.Default.String)},\"offset\":{JsonSerializer.Serialize(offset, SoakJsonContext.Default.String)}}}");

    /// <summary>An acknowledged call: <c>42&lt;id&gt;["event",argument]</c>; a string argument is a room name.</summary>
    public static byte[] Call(long ackId, string eventName, string? room, long number = 0) =>
        WebSocketFrames.Text(room is null
            ? string.Create(CultureInfo.InvariantCulture, $"42{ackId}[\"{eventName}\",{number}]")
            : string.Create(CultureInfo.InvariantCulture, $"42{ackId}[\"{eventName}\",\"{room}\"]"));

    public override void OnMessage(LoadClient client, ReadOnlySpan<byte> message, IClientEvents events)
    {
        var soak = (ISoakEvents)events;
        if (message.IsEmpty)
        {
            return;
        }

        switch (message[0])
        {
            case (byte)'0': // Engine.IO open
                soak.OnOpen(client);
                return;
            case (byte)'1': // Engine.IO close
                client.Fail(new IOException("Engine.IO close packet from the server"));
                return;
            case (byte)'2': // Engine.IO ping
                soak.OnPing(client);
                return;
            case (byte)'4' when message.Length > 1:
                break;
            default:
                return;
        }

        var body = message[2..];
        switch (message[1])
        {
            case (byte)'0': // CONNECT answer {"sid":..,"pid":..}
                ReadConnect(body, out var sid, out var pid);
                soak.OnConnected(client, sid ?? "", pid);
                break;
            case (byte)'1':
                client.Fail(new IOException("Socket.IO DISCONNECT from the server"));
                break;
            case (byte)'2':
                ReadMessage(client, body, soak);
                break;
            case (byte)'3':
                ReadAck(client, body, soak);
                break;
            case (byte)'4':
                client.Fail(new IOException("CONNECT_ERROR: " + Encoding.UTF8.GetString(message)));
                break;
        }
    }

    private static void ReadConnect(ReadOnlySpan<byte> json, out string? sid, out string? pid)
    {
        sid = null;
        pid = null;
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                var isSid = reader.ValueTextEquals("sid"u8);
                var isPid = reader.ValueTextEquals("pid"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    if (isSid)
                    {
                        sid = reader.GetString();
                    }
                    else if (isPid)
                    {
                        pid = reader.GetString();
                    }
                }
            }
        }
    }

    // ["message","r3",17,"<offset>"]
    private static void ReadMessage(LoadClient client, ReadOnlySpan<byte> json, ISoakEvents soak)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray
            || !reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("message"u8)
            || !reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            soak.OnUnexpected(client, "event: " + Encoding.UTF8.GetString(json));
            return;
        }

        var room = reader.GetString()!;
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var seq))
        {
            soak.OnUnexpected(client, "event: " + Encoding.UTF8.GetString(json));
            return;
        }

        string? offset = null;
        if (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            offset = reader.GetString();
        }

        soak.OnRoomMessage(client, room, seq, offset);
    }

    // <id>[<number>] or <id>[{"error":..}]
    private static void ReadAck(LoadClient client, ReadOnlySpan<byte> body, ISoakEvents soak)
    {
        var digits = 0;
        while (digits < body.Length && body[digits] is >= (byte)'0' and <= (byte)'9')
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(body[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            soak.OnUnexpected(client, "ack: " + Encoding.UTF8.GetString(body));
            return;
        }

        var reader = new Utf8JsonReader(body[digits..]);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartArray && reader.Read()
            && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            soak.OnAck(client, id, value, null);
        }
        else
        {
            soak.OnAck(client, id, null, Encoding.UTF8.GetString(body[digits..]));
        }
    }
}

/// <summary>What the soak scenario hears from its clients, on each client's receive loop.</summary>
public interface ISoakEvents : IClientEvents
{
    /// <summary>The Engine.IO open packet: the scenario sends its CONNECT.</summary>
    void OnOpen(LoadClient client);

    /// <summary>The server's ping: the scenario answers the pong.</summary>
    void OnPing(LoadClient client);

    /// <summary>The CONNECT answer (after any replayed broadcasts of a recovered session).</summary>
    void OnConnected(LoadClient client, string sid, string? pid);

    /// <summary>An acknowledgement: a number, or an error answer's JSON.</summary>
    void OnAck(LoadClient client, long ackId, long? value, string? error);

    /// <summary>A room broadcast with its sequence number and its recovery offset (null when the server sent none).</summary>
    void OnRoomMessage(LoadClient client, string room, long seq, string? offset);

    /// <summary>A packet the scenario does not expect.</summary>
    void OnUnexpected(LoadClient client, string what);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class SoakJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
