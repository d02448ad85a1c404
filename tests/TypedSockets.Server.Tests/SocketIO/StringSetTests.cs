using TypedSockets.Server.Adapters;

namespace TypedSockets.Server.Tests.SocketIO;

/// <summary>The adapter's room sets: one member inline, a hash set from the second on; the same answers as a HashSet.</summary>
public sealed class StringSetTests
{
    [Fact]
    public void BehavesAsAnOrdinalHashSetThroughEveryShape()
    {
        var set = new StringSet();
        var reference = new HashSet<string>(StringComparer.Ordinal);
        var random = new Random(7);
        string[] items = ["a", "A", "b", "room", "sid-1", "sid-2", ""];
        for (var step = 0; step < 2_000; step++)
        {
            var item = items[random.Next(items.Length)];
            switch (random.Next(3))
            {
                case 0:
                    Assert.Equal(reference.Add(item), set.Add(item));
                    break;
                case 1:
                    Assert.Equal(reference.Remove(item), set.Remove(item));
                    break;
                default:
                    Assert.Equal(reference.Contains(item), set.Contains(item));
                    break;
            }

            Assert.Equal(reference.Count, set.Count);
            Assert.Equal(reference.Order(StringComparer.Ordinal), set.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void OneMemberStaysInlineAndEnumeratesOnce()
    {
        var set = new StringSet();
        Assert.Empty(set);
        Assert.True(set.Add("x"));
        Assert.False(set.Add("x"));
        Assert.Equal(["x"], [.. set]);
        Assert.True(set.Remove("x"));
        Assert.False(set.Remove("x"));
        Assert.Equal(0, set.Count);
        Assert.Empty(set);
    }
}
