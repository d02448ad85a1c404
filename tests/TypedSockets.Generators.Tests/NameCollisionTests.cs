namespace TypedSockets.Generators.Tests;

/// <summary>
/// User names never collide with generated ones: whatever a valid contract names its methods and parameters, and
/// whatever other contracts share its namespace, the generated code compiles with no diagnostic.
/// </summary>
public sealed class NameCollisionTests
{
    private const string Prelude = """
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSockets;

        namespace Demo;

        """;

    public static readonly TheoryData<string, string> Cases = new()
    {
        { "a parameter named targets", "[SocketEvents] public interface I { void Send(string targets); Task<int> Ask(string targets); }" },
        { "a string parameter named cancellationToken on an acknowledged method", "[SocketEvents] public interface I { Task<int> Ask(string cancellationToken); }" },
        { "a method named Emitter", "[SocketEvents] public interface I { void Emitter(); }" },
        { "methods named like generated members", "[SocketEvents] public interface I { void Register(); void Dispatch(); void _sink(); void Event_A(); void A(); Task<int> Invoke_B(); Task<int> B(); }" },
        { "parameters named like generated locals", "[SocketEvents] public interface I { void A(string __writer, string __sink, int _sink, string context, string target); Task<int> B(string __writer, string __sink, string __result, string __task, string context); ValueTask<int> C(int __result, int __task); }" },
        { "IMetrics and Metrics in one namespace", "[SocketEvents] public interface IMetrics { void A(); } [SocketEvents] public interface Metrics { void A(); }" },
        { "a nested contract and a top-level one named like it", "public static class Outer { [SocketEvents] public interface IFoo { void A(); } } [SocketEvents] public interface Outer_IFoo { void A(); } [SocketEvents] public interface Outer_Foo { void A(); }" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GeneratedCodeCompilesWithoutDiagnostics(string name, string source)
    {
        Assert.NotEmpty(name);
        var problems = await GeneratorHarness.ProblemsAsync(Prelude + source);
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));
    }

    [Fact]
    public async Task ABroadcastKeepsTheCancellationTokenNameWhenItIsFree()
    {
        var problems = await GeneratorHarness.ProblemsAsync(Prelude + """
            [SocketEvents] public interface I { Task<int> Ask(string text); }
            public static class Use
            {
                public static Task<SocketAckResults<int>> Call(SocketTargets<I> targets) => targets.Ask("x", cancellationToken: CancellationToken.None);
            }
            """);
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));
    }
}
