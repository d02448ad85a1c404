using Chat.Server.Chat;
using Microsoft.Extensions.Options;

namespace TypedSockets.Samples.Tests;

/// <summary>The history store and the user directory, on their own.</summary>
public sealed class ChatStateTests
{
    private static IOptions<ChatOptions> Options(int historySize = 50, int maxRooms = 100) =>
        Microsoft.Extensions.Options.Options.Create(new ChatOptions { HistorySize = historySize, MaxRooms = maxRooms });

    [Fact]
    public void HistoryKeepsTheLastMessagesOfEachRoomOldestFirst()
    {
        var history = new InMemoryChatHistory(Options(historySize: 3), TimeProvider.System);
        for (var i = 1; i <= 5; i++)
        {
            history.Append("a", "ada", $"a{i}");
        }

        history.Append("b", "bob", "b1");
        Assert.Equal(["a3", "a4", "a5"], history.GetRecent("a").Select(m => m.Text));
        Assert.Equal(["b1"], history.GetRecent("b").Select(m => m.Text));
        Assert.Empty(history.GetRecent("nowhere"));
        history.Clear("a");
        Assert.Empty(history.GetRecent("a"));
    }

    [Fact]
    public async Task HistoryStaysConsistentUnderConcurrentWriters()
    {
        var history = new InMemoryChatHistory(Options(historySize: 50), TimeProvider.System);
        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Parallel.ForAsync(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, (i, ct) =>
        {
            ids.Add(history.Append($"room{i % 4}", "user", $"m{i}").Id);
            Assert.True(history.GetRecent($"room{(i + 1) % 4}").Count <= 50);
            return ValueTask.CompletedTask;
        });

        Assert.Equal(2000, ids.Distinct().Count());
        for (var r = 0; r < 4; r++)
        {
            var recent = history.GetRecent($"room{r}");
            Assert.Equal(50, recent.Count);
            Assert.True(recent.Zip(recent.Skip(1)).All(p => p.First.Id < p.Second.Id && p.First.Timestamp <= p.Second.Timestamp));
        }
    }

    [Fact]
    public void UsernamesAreUniqueIgnoringCase()
    {
        var directory = new ChatDirectory(Options(), new InMemoryChatHistory(Options(), TimeProvider.System));
        Assert.True(directory.TryRegister("Ada"));
        Assert.False(directory.TryRegister("ada"));
        Assert.False(directory.TryRegister("ADA"));
        directory.Unregister("Ada");
        Assert.True(directory.TryRegister("ada"));
    }

    [Fact]
    public void ARoomThatIsNotPermanentDisappearsWithItsLastUserAndItsHistory()
    {
        var history = new InMemoryChatHistory(Options(), TimeProvider.System);
        var directory = new ChatDirectory(Options(), history);
        Assert.Equal(["lobby", "random", "help"], directory.ListRooms().Select(r => r.Name));

        Assert.Equal(["ada"], directory.Enter("design", "ada").Users);
        history.Append("design", "ada", "hi");
        var snapshot = directory.Enter("design", "Bob");
        Assert.Equal(["ada", "Bob"], snapshot.Users);
        Assert.Equal(["hi"], snapshot.History.Select(m => m.Text));
        Assert.Equal(1, directory.ListRooms().Count(r => r.Name == "design" && r.UserCount == 2 && !r.Permanent));

        Assert.Equal(["Bob"], directory.Leave("design", "ada"));
        Assert.Empty(directory.Leave("design", "Bob"));
        Assert.DoesNotContain(directory.ListRooms(), r => r.Name == "design");
        Assert.Empty(history.GetRecent("design"));

        directory.Enter("lobby", "ada");
        history.Append("lobby", "ada", "kept");
        directory.Leave("lobby", "ada");
        Assert.Equal(["kept"], history.GetRecent("lobby").Select(m => m.Text));
    }

    [Fact]
    public void NewRoomsAreRefusedBeyondTheLimit()
    {
        var directory = new ChatDirectory(Options(maxRooms: 4), new InMemoryChatHistory(Options(), TimeProvider.System));
        directory.Enter("one-more", "ada");
        var error = Assert.Throws<ChatRequestException>(() => directory.Enter("too-many", "bob"));
        Assert.Contains("4 rooms", error.Message, StringComparison.Ordinal);
        directory.Enter("lobby", "bob"); // existing rooms stay open
    }
}
