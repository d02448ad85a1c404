using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using TypedSockets.Server;
using TypedSockets.TypeScript.Tests.Contracts;

namespace TypedSockets.TypeScript.Tests;

/// <summary>Serves <see cref="IMappingServer"/> to the node fixture: on connect it sends one of every payload.</summary>
public sealed class MappingHub : SocketHub<IMappingServer, IMappingClient>, IMappingServer
{
    public static Everything Sample() => new(
        Text: "text",
        MaybeText: null,
        Letter: 'x',
        Flag: true,
        Count: 3,
        Big: 9_007_199_254_740_991,
        Ratio: 0.5,
        Money: 12.34m,
        Small: 255,
        MaybeCount: 7,
        At: new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)),
        When: new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc),
        Duration: TimeSpan.FromMinutes(90),
        Id: Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        Color: Color.Green,
        Status: Status.OnHold,
        MaybeColor: null,
        Numbers: [1, 2, 3],
        Names: ["a", "b"],
        Items: [new Item(1, "one"), new Item(2, "two")],
        Sparse: ["s", null],
        Scores: new() { ["alice"] = 3 },
        ById: new Dictionary<int, Item> { [1] = new Item(1, "one") },
        Blob: [1, 2, 3],
        Nested: new Item(9, "nine"),
        MaybeNested: null,
        Where: new Point { X = 1, Y = 2 },
        Anything: 42,
        Raw: JsonDocument.Parse("""{"free":[1,"form"]}""").RootElement.Clone());

    public void Note(string text, int priority = 1)
    {
    }

    public Task<Everything> Echo(Everything value, CancellationToken cancellationToken) => Task.FromResult(value);

    public Task<Page<Item>> GetPage(int index, string? filter = null) =>
        Task.FromResult(new Page<Item>([new Item(index, filter ?? "none")], 1, null));

    public Task<int> Upload(byte[] data, ReadOnlyMemory<byte> more) => Task.FromResult(data.Length + more.Length);

    public Task<bool> AskConfirm(string question) => Caller.Confirm(question);

    public async IAsyncEnumerable<Item> Count(int count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 1; i <= count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new Item(i, "item " + i);
            await Task.Yield();
        }
    }

    public ChannelReader<string> Lines(int count)
    {
        var channel = Channel.CreateUnbounded<string>();
        for (var i = 0; i < count; i++)
        {
            channel.Writer.TryWrite("line " + i);
        }

        channel.Writer.Complete();
        return channel.Reader;
    }

    public async Task<int> Sum(string label, IAsyncEnumerable<int> numbers)
    {
        var sum = 0;
        await foreach (var n in numbers)
        {
            sum += n;
        }

        return sum;
    }

    public override ValueTask OnConnectedAsync()
    {
        Caller.Snapshot(Sample());
        Caller.Derived(new Circle { Name = "c", Radius = 2 });
        Caller.PageOf(new Page<Item>([new Item(1, "one")], 1, new Item(1, "one")), Color.Blue);
        return ValueTask.CompletedTask;
    }
}
