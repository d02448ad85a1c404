using System.Text.RegularExpressions;
using TypedSockets.Server.Tests.SocketIO;

namespace TypedSockets.Server.Tests.Hostile;

/// <summary>Issue 15, defect 5: children of a dynamic namespace are removed when empty, and capped.</summary>
public class DynamicNamespaceAbuseTests
{
    [Fact]
    public async Task TenThousandChildrenFromOneClientStayUnderTheCapAndAreRemovedWhenItLeaves()
    {
        await using var host = new SocketIOTestHost(o => o.MaxChildNamespaces = 1_000);
        var parent = host.Server.Of(new Regex("^/dyn-\\d+$"));
        var baseline = host.Server.Namespaces.Count;

        var connection = host.Connect();
        var joined = 0;
        var refused = 0;
        for (var i = 0; i < 10_000; i++)
        {
            connection.Receive($"0/dyn-{i},");
            var reply = await connection.NextAsync();
            if (reply.StartsWith($"0/dyn-{i},{{\"sid\":", StringComparison.Ordinal))
            {
                joined++;
            }
            else
            {
                Assert.Equal($"4/dyn-{i},{{\"message\":\"Invalid namespace\"}}", reply);
                refused++;
            }

            Assert.True(host.Server.Namespaces.Count <= baseline + 1_000);
        }

        Assert.Equal(1_000, joined);
        Assert.Equal(9_000, refused);
        Assert.Equal(1_000, parent.Children.Count);

        connection.Close();
        await SocketIOServerTests.WaitUntil(() => host.Server.Namespaces.Count == baseline && parent.Children.Count == 0);

        // Room again once the first client has left.
        var next = host.Connect();
        next.Receive("0/dyn-424242,");
        Assert.StartsWith("0/dyn-424242,{\"sid\":", await next.NextAsync());
    }

    [Fact]
    public async Task AChildWhoseOnlyConnectIsRefusedIsNotKept()
    {
        await using var host = new SocketIOTestHost();
        var parent = host.Server.Of(new Regex("^/dyn-\\d+$"));
        parent.Use(_ => throw new SocketConnectException("no"));
        var baseline = host.Server.Namespaces.Count;

        var connection = host.Connect();
        connection.Receive("0/dyn-1,");
        Assert.Equal("4/dyn-1,{\"message\":\"no\"}", await connection.NextAsync());
        await SocketIOServerTests.WaitUntil(() => parent.Children.Count == 0 && host.Server.Namespaces.Count == baseline);
    }

    [Fact]
    public async Task WithCleanupOffChildrenAreKeptAsInNode()
    {
        await using var host = new SocketIOTestHost(o => o.CleanupEmptyChildNamespaces = false);
        var parent = host.Server.Of(new Regex("^/dyn-\\d+$"));
        var connection = host.Connect();
        connection.Receive("0/dyn-1,");
        Assert.StartsWith("0/dyn-1,{\"sid\":", await connection.NextAsync());
        connection.Close();

        Assert.Equal(["/dyn-1"], parent.Children.Select(c => c.Name));
        Assert.Contains(host.Server.Namespaces, n => n.Name == "/dyn-1");
    }

    [Fact]
    public async Task AChildThatEmptiesWhileAnotherClientJoinsItStaysTheNamespaceOfThatClient()
    {
        await using var host = new SocketIOTestHost();
        var parent = host.Server.Of(new Regex("^/dyn-\\d+$"));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        parent.Use(async s =>
        {
            if (s.Handshake.GetAuth<Dictionary<string, string>>()?.GetValueOrDefault("wait") == "yes")
            {
                entered.TrySetResult();
                await gate.Task;
            }
        });

        var first = host.Connect();
        first.Receive("0/dyn-1,");
        Assert.StartsWith("0/dyn-1,{\"sid\":", await first.NextAsync());
        var child = Assert.Single(parent.Children);

        var second = host.Connect();
        second.Receive("0/dyn-1,{\"wait\":\"yes\"}");
        await entered.Task;

        // The first client leaves while the second one's middleware runs: the child must stay.
        first.Close();
        Assert.Same(child, Assert.Single(parent.Children));
        gate.SetResult();
        Assert.StartsWith("0/dyn-1,{\"sid\":", await second.NextAsync());
        Assert.Same(child, host.Server.Namespaces.Single(n => n.Name == "/dyn-1"));
        Assert.Single(child.Sockets);
    }
}
