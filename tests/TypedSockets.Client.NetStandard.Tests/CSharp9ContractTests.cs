using System.Collections.Concurrent;
using TypedSockets.Client.Tests.Infrastructure;
using TypedSockets.TestContracts.NetStandard;

namespace TypedSockets.Client.NetStandard.Tests;

/// <summary>
/// Contracts compiled as a Unity user would (netstandard2.1, C# 9: records, init-only classes, optional parameters),
/// used through the netstandard2.1 client against the Node reference server (npm socket.io 4.8.x).
/// </summary>
public sealed class CSharp9ContractTests
{
    private sealed class Shop : IShopClient
    {
        public readonly ConcurrentQueue<string> Echoes = new();

        public void EchoBack(string text, int times) => Echoes.Enqueue(text + " x" + times);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task CSharp9ContractsRoundTripThroughTheReferenceServer(string transport)
    {
        await using var server = await NodeScenarioServer.StartAsync(new ScenarioServerConfig());
        await using var manager = new SocketIOManager(server.Uri, new SocketIOClientOptions
        {
            Transports = transport == "polling" ? SocketIOTransports.Polling : SocketIOTransports.WebSocket,
            Reconnection = false,
        });
        var shop = new Shop();
        var socket = manager.Socket().Handle<IShopClient>(shop);
        await socket.ConnectAsync().WithTimeout();
        var api = socket.Emitter<IShopServer>();

        Assert.Equal(new Order("a-1", 3), await api.Place(new Order("a-1", 3)).WithTimeout());
        Assert.Equal(new Order("a-2", 1, "gift"), await api.Place(new Order("a-2", 1, "gift")).WithTimeout());

        var receipt = await socket.Emitter<IReceiptServer>().Confirm(new Receipt { OrderId = "a-1", Items = 3 }).AsTask().WithTimeout();
        Assert.Equal("a-1", receipt.OrderId);
        Assert.Equal(3, receipt.Items);

        Assert.Equal(new byte[] { 3, 2, 1, 0xFF }, await api.Reverse([0xFF, 1, 2, 3]).WithTimeout());

        api.Echo("default");
        api.Echo("given", 4);
        await TestWait.UntilAsync(() => shop.Echoes.Count >= 2, () => string.Join(" | ", shop.Echoes) + server.Output);
        Assert.Equal(["default x1", "given x4"], shop.Echoes.ToArray());
    }
}
