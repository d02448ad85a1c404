using TypedSockets.ConformanceServer;

namespace TypedSockets.MessagePack.Tests;

/// <summary>The conformance host serves the same behaviour with <c>--parser json</c> and <c>--parser msgpack</c>.</summary>
public sealed class ConformanceHostTests
{
    private const string Expected =
        "{\"auth\":[{\"token\":\"123\"}]," +
        "\"messageBack\":[1,\"2\",{\"3\":[true]},{\"bin\":\"010203\"}]," +
        "\"ack\":[1,\"2\",{\"bin\":\"04\"}]," +
        "\"customAuth\":[{}]," +
        "\"random\":\"Invalid namespace\"}";

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public async Task TheJavaScriptClientSeesTheSameServerWithEitherParser(string parser)
    {
        var app = ConformanceHost.Build(["--port", "0", "--parser", parser]);
        await app.StartAsync();
        try
        {
            var url = ConformanceHost.GetAddress(app).GetLeftPart(UriPartial.Authority);
            // The host keeps the official suite's heartbeat (ping every 300 ms, 200 ms to answer): on a loaded machine a
            // client can miss one and be dropped with "ping timeout". Such a run is repeated; any other failure is not.
            NodeResult result;
            var attempt = 0;
            do
            {
                result = await NodeRunner.RunAsync("conformance-client.mjs", [url, parser], TimeSpan.FromSeconds(20));
            }
            while (result.ExitCode != 0 && result.StandardError.Contains("disconnected: ping timeout", StringComparison.Ordinal) && ++attempt < 3);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(Expected, result.StandardOutput.Trim());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public void AnUnknownParserIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ConformanceHost.Build(["--port", "0", "--parser", "xml"]));
        Assert.Equal("Unknown parser 'xml': use json or msgpack.", e.Message);
    }
}
