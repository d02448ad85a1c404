using System.Threading;
using System.Threading.Tasks;
using TypedSockets;

namespace TypedSockets.TestContracts.NetStandard
{
    /// <summary>A C# 9 positional record with an optional member.</summary>
    public sealed record Order(string Id, int Quantity, string? Note = null);

    /// <summary>A plain class with init-only properties (C# 9).</summary>
    public sealed class Receipt
    {
        public string OrderId { get; init; } = string.Empty;

        public int Items { get; init; }
    }

    /// <summary>
    /// Client to server, on events the Node reference server already handles in its main namespace ("ack" returns its
    /// arguments as the ack, "binary-reverse" reverses the bytes, "echo" emits "echo-back" with the same arguments).
    /// </summary>
    [SocketEvents]
    public interface IShopServer
    {
        /// <summary>A record argument, the ack read as the same record.</summary>
        [SocketEvent("ack")]
        Task<Order> Place(Order order);

        /// <summary>Binary both ways.</summary>
        [SocketEvent("binary-reverse")]
        Task<byte[]> Reverse(byte[] data);

        /// <summary>Fire and forget with an optional parameter.</summary>
        [SocketEvent("echo")]
        void Echo(string text, int times = 1);
    }

    /// <summary>A second client-to-server contract on the same wire event ("ack" echoes its arguments as the ack).</summary>
    [SocketEvents]
    public interface IReceiptServer
    {
        /// <summary>A class argument and reply, with an optional cancellation token.</summary>
        [SocketEvent("ack")]
        ValueTask<Receipt> Confirm(Receipt receipt, CancellationToken cancellationToken = default);
    }

    /// <summary>Server to client.</summary>
    [SocketEvents]
    public interface IShopClient
    {
        [SocketEvent("echo-back")]
        void EchoBack(string text, int times);
    }
}
