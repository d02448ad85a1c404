using Microsoft.Extensions.Time.Testing;
using TypedSockets.Server.AdminUI;

namespace TypedSockets.Server.Tests.AdminUI;

/// <summary>The Admin UI's password checks, login sessions and per-second counters, on a fake clock.</summary>
public sealed class AdminUIUnitTests
{
    // "changeit": bcryptjs ($2a$, cost 4), the admin-ui's own tests ($2b$, cost 10).
    private const string Hash2a = "$2a$04$QQJauumKYOXRDz1GlYiN6OJ8vRw6q6Vvk39e5mb1Xg8bwkn.9MbB.";
    private const string Hash2b = "$2b$10$nu1FHRkuxkZkqID.31gz4uQsyERZAn.m4IIruysTsHDODBtrqS5Me";

    [Theory]
    [InlineData(Hash2a, true)]
    [InlineData(Hash2b, true)]
    [InlineData("$2y$04$QQJauumKYOXRDz1GlYiN6OJ8vRw6q6Vvk39e5mb1Xg8bwkn.9MbB.", true)]
    [InlineData("changeit", false)]
    [InlineData("", false)]
    [InlineData("$2c$04$QQJauumKYOXRDz1GlYiN6OJ8vRw6q6Vvk39e5mb1Xg8bwkn.9MbB.", false)]
    [InlineData("$2a$03$QQJauumKYOXRDz1GlYiN6OJ8vRw6q6Vvk39e5mb1Xg8bwkn.9MbB.", false)]
    [InlineData("$2a$32$QQJauumKYOXRDz1GlYiN6OJ8vRw6q6Vvk39e5mb1Xg8bwkn.9MbB.", false)]
    [InlineData("$2a$04$QQJauumKYOXRDz1GlYiN6OJ8vRw6q6Vvk39e5mb1Xg8bwkn.9MbB", false)]
    [InlineData("$2a$04$QQJauumKYOXRDz1GlYiN6OJ8vRw6q6Vvk39e5mb1Xg8bwkn.9Mb!.", false)]
    public void OnlyBcryptHashesAreAccepted(string hash, bool valid)
    {
        Assert.Equal(valid, AdminUIPassword.IsBcryptHash(hash));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => AdminUIAuthentication.Basic("admin", hash));
        }
    }

    [Theory]
    [InlineData(Hash2a)]
    [InlineData(Hash2b)]
    public void PasswordsMadeByNodeToolsVerify(string hash)
    {
        Assert.True(AdminUIPassword.Verify("changeit", hash));
        Assert.False(AdminUIPassword.Verify("changeIt", hash));
        Assert.False(AdminUIPassword.Verify(string.Empty, hash));
    }

    [Fact]
    public void NoneAndBasicDescribeThemselves()
    {
        Assert.True(AdminUIAuthentication.None.IsNone);
        var basic = AdminUIAuthentication.Basic("admin", Hash2a);
        Assert.False(basic.IsNone);
        Assert.Equal("admin", basic.Username);
        Assert.Equal(Hash2a, basic.PasswordHash);
        Assert.Throws<ArgumentException>(() => AdminUIAuthentication.Basic(string.Empty, Hash2a));
    }

    [Fact]
    public void SessionsExpireAndAreCapped()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = new AdminUISessionStore(time, TimeSpan.FromHours(1), max: 2);
        var first = store.Create();
        Assert.Matches("^[0-9a-f]{16}$", first);
        Assert.True(store.IsValid(first));
        Assert.False(store.IsValid("0123456789abcdef"));

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(store.IsValid(first));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(store.IsValid(first));

        // At most two: a third pushes out the oldest.
        var a = store.Create();
        var b = store.Create();
        var c = store.Create();
        Assert.False(store.IsValid(a));
        Assert.True(store.IsValid(b));
        Assert.True(store.IsValid(c));
    }

    [Fact]
    public void AggregatedEventsAreCountedPerSecondAndTypeThenDrained()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_250));
        var buffer = new AdminUIEventBuffer(time);
        buffer.Add("rawConnection");
        buffer.Add("bytesIn", null, 10);
        buffer.Add("bytesIn", null, 5);
        buffer.Add("rawDisconnection", "transport close");
        time.Advance(TimeSpan.FromSeconds(1));
        buffer.Add("bytesIn", null, 7);

        var drained = buffer.Drain().Cast<Dictionary<string, object?>>().ToList();
        Assert.Equal(4, drained.Count);
        Assert.Contains(drained, e => (long)e["timestamp"]! == 1_000_000 && (string)e["type"]! == "bytesIn" && (long)e["count"]! == 15 && !e.ContainsKey("subType"));
        Assert.Contains(drained, e => (long)e["timestamp"]! == 1_001_000 && (string)e["type"]! == "bytesIn" && (long)e["count"]! == 7);
        Assert.Contains(drained, e => (string)e["type"]! == "rawDisconnection" && (string)e["subType"]! == "transport close");
        Assert.Empty(buffer.Drain());
    }
}
