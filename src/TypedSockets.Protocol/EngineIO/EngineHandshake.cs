using System.Buffers;
using System.Text.Json;

namespace TypedSockets.Protocol.EngineIO;

/// <summary>
/// The data of the open packet: <c>{"sid":"..","upgrades":[..],"pingInterval":N,"pingTimeout":N,"maxPayload":N}</c>,
/// exactly these keys in this order. Intervals are in milliseconds. <see cref="MaxPayload"/> is 0 when a server did
/// not announce one (python-engineio 4.3 omits it; socket.io-client then sets no bound either).
/// </summary>
public sealed record EngineHandshake(string Sid, bool CanUpgradeToWebSocket, long PingInterval, long PingTimeout, long MaxPayload)
{
    private static ReadOnlySpan<byte> SidKey => "sid"u8;
    private static ReadOnlySpan<byte> UpgradesKey => "upgrades"u8;
    private static ReadOnlySpan<byte> PingIntervalKey => "pingInterval"u8;
    private static ReadOnlySpan<byte> PingTimeoutKey => "pingTimeout"u8;
    private static ReadOnlySpan<byte> MaxPayloadKey => "maxPayload"u8;
    private static ReadOnlySpan<byte> WebSocketName => "websocket"u8;

    /// <summary>Writes the JSON object (the data of the open packet, without the leading <c>0</c>).</summary>
    public void WriteJson(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString(SidKey, Sid);
        writer.WriteStartArray(UpgradesKey);
        if (CanUpgradeToWebSocket)
        {
            writer.WriteStringValue(WebSocketName);
        }

        writer.WriteEndArray();
        writer.WriteNumber(PingIntervalKey, PingInterval);
        writer.WriteNumber(PingTimeoutKey, PingTimeout);
        writer.WriteNumber(MaxPayloadKey, MaxPayload);
        writer.WriteEndObject();
    }

    /// <summary>The JSON object as a new array.</summary>
    public byte[] ToJsonBytes()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        WriteJson(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Parses the data of an open packet; unknown keys are ignored; a missing sid, pingInterval or pingTimeout is
    /// malformed, a missing maxPayload reads as 0 (not announced).
    /// </summary>
    public static EngineHandshake Parse(ReadOnlySpan<byte> json)
    {
        string? sid = null;
        var canUpgrade = false;
        long? pingInterval = null, pingTimeout = null, maxPayload = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                EngineIOThrowHelper.ThrowInvalidHandshake("not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(SidKey))
                {
                    reader.Read();
                    sid = reader.GetString();
                }
                else if (reader.ValueTextEquals(UpgradesKey))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        EngineIOThrowHelper.ThrowInvalidHandshake("upgrades is not an array");
                    }

                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        canUpgrade |= reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(WebSocketName);
                    }
                }
                else if (reader.ValueTextEquals(PingIntervalKey))
                {
                    reader.Read();
                    pingInterval = reader.GetInt64();
                }
                else if (reader.ValueTextEquals(PingTimeoutKey))
                {
                    reader.Read();
                    pingTimeout = reader.GetInt64();
                }
                else if (reader.ValueTextEquals(MaxPayloadKey))
                {
                    reader.Read();
                    maxPayload = reader.GetInt64();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            EngineIOThrowHelper.ThrowInvalidHandshake("malformed JSON");
        }

        if (sid is null || pingInterval is null || pingTimeout is null)
        {
            EngineIOThrowHelper.ThrowInvalidHandshake("missing sid, pingInterval or pingTimeout");
        }

        return new EngineHandshake(sid, canUpgrade, pingInterval.Value, pingTimeout.Value, maxPayload ?? 0);
    }
}
