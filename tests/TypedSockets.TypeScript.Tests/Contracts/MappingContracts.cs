using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using TypedSockets;

// A contract that exercises every TypeScript mapping of docs/typescript.md. The build writes its TypeScript to
// node/src/contracts.ts (TypedSocketsTypeScriptOutput in the project file); Baselines/contracts.ts approves it, and the
// node fixture type-checks against it and runs against MappingHub.
[assembly: SocketContractPair("Mapping", typeof(TypedSockets.TypeScript.Tests.Contracts.IMappingServer), typeof(TypedSockets.TypeScript.Tests.Contracts.IMappingClient))]

namespace TypedSockets.TypeScript.Tests.Contracts;

/// <summary>What the page sends.</summary>
[SocketEvents]
public interface IMappingServer
{
    /// <summary>No acknowledgement; an optional trailing parameter.</summary>
    void Note(string text, int priority = 1);

    /// <summary>Acknowledged: the server answers with the same value.</summary>
    Task<Everything> Echo(Everything value, CancellationToken cancellationToken);

    /// <summary>A generic DTO as the result.</summary>
    [SocketEvent("items:page")]
    Task<Page<Item>> GetPage(int index, string? filter = null);

    /// <summary>Binary arguments.</summary>
    Task<int> Upload(byte[] data, ReadOnlyMemory<byte> more);

    /// <summary>Asks the server to call the page back (<see cref="IMappingClient.Confirm"/>) and answers with the page's reply.</summary>
    Task<bool> AskConfirm(string question);

    /// <summary>A result stream: items 1..count (consumed with the stream helper).</summary>
    IAsyncEnumerable<Item> Count(int count, CancellationToken cancellationToken);

    /// <summary>A result stream as a channel.</summary>
    ChannelReader<string> Lines(int count);

    /// <summary>A stream argument: answers the sum of the numbers.</summary>
    Task<int> Sum(string label, IAsyncEnumerable<int> numbers);
}

/// <summary>What the server sends.</summary>
[SocketEvents]
public interface IMappingClient
{
    void Snapshot(Everything value);

    void Derived(Circle circle);

    [SocketEvent("page")]
    void PageOf(Page<Item> page, Color color);

    /// <summary>Server to client, acknowledged: the page must call back with a bool.</summary>
    Task<bool> Confirm(string question);
}

/// <summary>Every mapping in one DTO.</summary>
public sealed record Everything(
    string Text,
    string? MaybeText,
    char Letter,
    bool Flag,
    int Count,
    long Big,
    double Ratio,
    decimal Money,
    byte Small,
    int? MaybeCount,
    DateTimeOffset At,
    DateTime When,
    TimeSpan Duration,
    Guid Id,
    Color Color,
    Status Status,
    Color? MaybeColor,
    int[] Numbers,
    List<string> Names,
    IReadOnlyList<Item> Items,
    IEnumerable<string?> Sparse,
    Dictionary<string, int> Scores,
    IReadOnlyDictionary<int, Item> ById,
    byte[] Blob,
    Item Nested,
    Item? MaybeNested,
    Point Where,
    object Anything,
    JsonElement Raw)
{
    [JsonPropertyName("custom_name")]
    public string Renamed { get; init; } = "renamed";

    [JsonIgnore]
    public string Hidden { get; init; } = "hidden";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OnlyWhenSet { get; init; }
}

public sealed record Item(int Id, string Name);

/// <summary>A generic DTO.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, T? First);

/// <summary>Numbers on the wire.</summary>
public enum Color
{
    Red,
    Green = 5,
    Blue,
}

/// <summary>Strings on the wire.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Status>))]
public enum Status
{
    Active,
    [JsonStringEnumMemberName("on-hold")]
    OnHold,
}

/// <summary>A struct with public fields (the parsers include fields).</summary>
public struct Point
{
    public int X;
    public int Y;
}

/// <summary>Inheritance: Circle extends Shape.</summary>
public class Shape
{
    public string Name { get; set; } = "";
}

public sealed class Circle : Shape
{
    public double Radius { get; set; }
}
