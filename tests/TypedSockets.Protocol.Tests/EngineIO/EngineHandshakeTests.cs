using System.Buffers;
using System.Text;
using TypedSockets.Protocol.EngineIO;

namespace TypedSockets.Protocol.Tests.EngineIO;

public class EngineHandshakeTests
{
    [Fact]
    public void WritesExactlyTheFiveKeysInTheReferenceOrder()
    {
        var handshake = new EngineHandshake("lv_VI97HAXpY6yYWAAAC", CanUpgradeToWebSocket: true, 25000, 20000, 1_000_000);
        var output = new ArrayBufferWriter<byte>();

        handshake.WriteJson(output);

        Assert.Equal(
            "{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WritesAnEmptyUpgradeListWhenNoUpgradeIsPossible()
    {
        var json = Encoding.UTF8.GetString(new EngineHandshake("abc", false, 300, 200, 1000).ToJsonBytes());

        Assert.Equal("{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000}", json);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ParsesWhatItWrites(bool canUpgrade)
    {
        var handshake = new EngineHandshake("abc-_123", canUpgrade, 300, 200, 1000);

        Assert.Equal(handshake, EngineHandshake.Parse(handshake.ToJsonBytes()));
    }

    [Fact]
    public void ParsingIgnoresUnknownKeys()
    {
        var parsed = EngineHandshake.Parse("{\"sid\":\"x\",\"extra\":{\"a\":[1,2]},\"upgrades\":[\"webtransport\",\"websocket\"],\"pingInterval\":1,\"pingTimeout\":2,\"maxPayload\":3}"u8);

        Assert.Equal(new EngineHandshake("x", true, 1, 2, 3), parsed);
    }

    [Fact]
    public void AMissingMaxPayloadReadsAsNotAnnounced()
    {
        // python-engineio 4.3's open packet, byte for byte.
        var parsed = EngineHandshake.Parse("{\"sid\":\"WMWtiMOV2ZSYB4zGAAAA\",\"upgrades\":[\"websocket\"],\"pingTimeout\":20000,\"pingInterval\":25000}"u8);

        Assert.Equal(new EngineHandshake("WMWtiMOV2ZSYB4zGAAAA", true, 25000, 20000, 0), parsed);
    }

    [Theory]
    [InlineData("[]", "Invalid Engine.IO handshake: not a JSON object.")]
    [InlineData("{\"sid\":\"x\"", "Invalid Engine.IO handshake: malformed JSON.")]
    [InlineData("{\"sid\":\"x\",\"upgrades\":\"websocket\",\"pingInterval\":1,\"pingTimeout\":2,\"maxPayload\":3}", "Invalid Engine.IO handshake: upgrades is not an array.")]
    [InlineData("{\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":2,\"maxPayload\":3}", "Invalid Engine.IO handshake: missing sid, pingInterval or pingTimeout.")]
    [InlineData("{\"sid\":\"x\",\"upgrades\":[],\"pingTimeout\":2,\"maxPayload\":3}", "Invalid Engine.IO handshake: missing sid, pingInterval or pingTimeout.")]
    [InlineData("{\"sid\":\"x\",\"upgrades\":[],\"pingInterval\":\"1\",\"pingTimeout\":2,\"maxPayload\":3}", "Invalid Engine.IO handshake: malformed JSON.")]
    public void RejectsMalformedHandshakesWithAnExactError(string json, string error)
    {
        var exception = Assert.Throws<InvalidDataException>(() => EngineHandshake.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(error, exception.Message);
    }
}
