using System.Threading.Channels;

namespace TypedSockets.TestContracts;

/// <summary>Client to server: every stream shape (docs/streaming.md).</summary>
[SocketEvents]
public interface IStreamServer
{
    /// <summary>Server streams 0..count-1 to the caller.</summary>
    IAsyncEnumerable<int> Count(int count, CancellationToken cancellationToken);

    /// <summary>Server streams until cancelled, recording what it yielded.</summary>
    IAsyncEnumerable<int> Endless(CancellationToken cancellationToken);

    /// <summary>Server streams <c>after</c> items, then throws (a SocketInvocationException when <c>code</c> is set).</summary>
    IAsyncEnumerable<int> Fail(int after, string? code);

    /// <summary>A ChannelReader result.</summary>
    ChannelReader<string> Words(string text);

    /// <summary>Caller streams to the hub.</summary>
    Task<int> Sum(IAsyncEnumerable<int> numbers);

    /// <summary>Caller streams to the hub, read as a ChannelReader.</summary>
    Task<int> SumChannel(ChannelReader<int> numbers);

    /// <summary>How many items Endless has yielded so far.</summary>
    Task<int> Produced();

    /// <summary>The hub asks the client for a stream (server consumes) and sums it.</summary>
    Task<int> AskSquares(int count);

    /// <summary>The hub streams 1..count to the client's Total handler and returns its answer.</summary>
    Task<int> SendTotal(int count);
}

/// <summary>Server to client streams.</summary>
[SocketEvents]
public interface IStreamClient
{
    /// <summary>The client streams squares to the server.</summary>
    IAsyncEnumerable<int> Squares(int count);

    /// <summary>The server streams numbers to the client, which answers their sum.</summary>
    Task<int> Total(IAsyncEnumerable<int> numbers);
}
