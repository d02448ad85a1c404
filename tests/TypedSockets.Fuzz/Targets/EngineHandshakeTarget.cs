using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Fuzz.Targets;

/// <summary>
/// <see cref="EngineHandshake.Parse"/>, the client's reading of the open packet. Contract: a handshake or
/// <see cref="InvalidDataException"/>. Round trip: what parsed, written with <see cref="EngineHandshake.WriteJson"/>,
/// parses to an equal handshake.
/// </summary>
public sealed class EngineHandshakeTarget : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => "engine-handshake";

    /// <inheritdoc/>
    public override string Description => "EngineHandshake.Parse (the data of the open packet)";

    /// <inheritdoc/>
    public override IReadOnlyList<byte[]> Seeds { get; } = EnginePacketsTarget.Utf8(
        "{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}",
        "{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":300,\"pingTimeout\":200}",
        "{\"pingTimeout\":1,\"sid\":\"x\",\"extra\":{\"a\":[1,{\"b\":null}]},\"pingInterval\":2,\"upgrades\":[\"polling\",\"websocket\",3]}",
        "{\"sid\":null,\"pingInterval\":1,\"pingTimeout\":1}", "[]", "{", "\"sid\"");

    /// <inheritdoc/>
    public override IReadOnlyList<byte[]> Tokens { get; } = EnginePacketsTarget.Utf8(
        "\"sid\":", "\"upgrades\":", "\"pingInterval\":", "\"pingTimeout\":", "\"maxPayload\":", "\"websocket\"", ",", "{", "}", "[", "]", "null", "1.5", "\"\\u0000\"");

    /// <inheritdoc/>
    public override string Execute(byte[] input)
    {
        EngineHandshake handshake;
        try
        {
            handshake = EngineHandshake.Parse(input);
        }
        catch (InvalidDataException e)
        {
            return Rejected(e);
        }

        var again = EngineHandshake.Parse(handshake.ToJsonBytes());
        Check(again == handshake, "round trip keeps the handshake");
        return handshake.CanUpgradeToWebSocket ? "ok:upgrade" : "ok";
    }
}
