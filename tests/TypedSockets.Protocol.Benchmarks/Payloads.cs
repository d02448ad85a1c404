using MessagePack;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Protocol.Benchmarks;

/// <summary>
/// The payload shapes measured, the same as node/bench.mjs sends through the JS parsers:
/// <c>small</c> ("alice", 42); <c>object</c> one chat message with a date; <c>list</c> 50 small objects;
/// <c>binary</c> a name and 16 KiB of bytes.
/// </summary>
public static class Payloads
{
    public static readonly string[] Shapes = ["small", "object", "list", "binary"];

    public static object?[] Arguments(string shape) => shape switch
    {
        "small" => ["alice", 42],
        "object" => [new ChatMessage { Room = "general", User = "alice", Text = "hello there, how is everyone doing today?", SentAt = DateTimeOffset.FromUnixTimeMilliseconds(1700000000123) }],
        "list" => [Enumerable.Range(0, 50).Select(i => new Score { Id = i, Name = "player-" + i, Value = i * 1.25 }).ToArray()],
        "binary" => ["a.bin", Enumerable.Range(0, 16 * 1024).Select(i => (byte)(i % 251)).ToArray()],
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>Binds every argument of a decoded packet to its .NET type, as a handler would.</summary>
    public static int Bind(string shape, SocketIOArguments args) => shape switch
    {
        "small" => args.Get<string>(0)!.Length + args.Get<int>(1),
        "object" => args.Get<ChatMessage>(0)!.Text.Length,
        "list" => args.Get<Score[]>(0)!.Length,
        "binary" => args.Get<string>(0)!.Length + args.Get<byte[]>(1)!.Length,
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };
}

[MessagePackObject]
public sealed class ChatMessage
{
    [Key("room")]
    public string Room { get; set; } = "";

    [Key("user")]
    public string User { get; set; } = "";

    [Key("text")]
    public string Text { get; set; } = "";

    [Key("sentAt")]
    public DateTimeOffset SentAt { get; set; }
}

[MessagePackObject]
public sealed class Score
{
    [Key("id")]
    public int Id { get; set; }

    [Key("name")]
    public string Name { get; set; } = "";

    [Key("value")]
    public double Value { get; set; }
}
