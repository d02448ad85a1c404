namespace TypedSockets.Generators.Tests;

/// <summary>
/// Optional parameters keep their defaults everywhere: callers of broadcasts and emitters may omit them, and a
/// dispatcher that receives fewer arguments than declared passes the declared default, not <c>default(T)</c>.
/// </summary>
public sealed class OptionalParameterTests
{
    private const string Contract = """
        #nullable enable
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSockets;

        public enum Level { Low = 1, High = -2 }

        [SocketEvents]
        public interface INotifier
        {
            void Notify(string text, int priority = 5, string? tag = null, Level level = Level.High, double ratio = 0.5,
                float scale = 1.5f, decimal price = 2.5m, long big = 10L, char mark = 'x', bool flag = true, short small = 3,
                int? maybe = 7, Level? none = null, System.DateTime when = default, double inf = double.PositiveInfinity,
                string quoted = "a\"b");
            Task<int> Ask(string text, int priority = 5, CancellationToken cancellationToken = default);
            ValueTask<string> AskLater(string text = "later");
        }

        """;

    [Fact]
    public async Task CallersOfBroadcastsAndEmittersMayOmitOptionalArguments()
    {
        var problems = await GeneratorHarness.ProblemsAsync(Contract + """
            public static class Use
            {
                public static void Broadcast(SocketTargets<INotifier> targets)
                {
                    targets.To("r").Notify("x");
                    _ = targets.Ask("x");
                    _ = targets.Ask("x", cancellationToken: CancellationToken.None);
                    _ = targets.AskLater();
                }

                public static void Emit(INotifier emitter)
                {
                    emitter.Notify("x");
                    _ = emitter.Ask("x");
                    _ = emitter.AskLater();
                }
            }
            """);
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));
    }

    [Fact]
    public void ADispatcherPassesTheDeclaredDefaultForAMissingTrailingArgument()
    {
        var result = GeneratorHarness.RunProbe(Contract + Sources.FakeContext + """
            public sealed class Notifier : INotifier
            {
                public string? Seen;
                public void Notify(string text, int priority, string? tag, Level level, double ratio, float scale, decimal price,
                    long big, char mark, bool flag, short small, int? maybe, Level? none, System.DateTime when, double inf, string quoted) =>
                    Seen = string.Join("|", text, priority, tag ?? "null", level, ratio.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        scale.ToString(System.Globalization.CultureInfo.InvariantCulture), price.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        big, mark, flag, small, maybe, none?.ToString() ?? "null", when.Ticks, double.IsPositiveInfinity(inf), quoted);
                public Task<int> Ask(string text, int priority, CancellationToken cancellationToken) => Task.FromResult(priority);
                public ValueTask<string> AskLater(string text) => new ValueTask<string>(text);
            }

            public static class Probe
            {
                public static string Run()
                {
                    var contract = SocketContract<INotifier>.Get();
                    var target = new Notifier();
                    contract.Dispatch(target, "notify", new FakeContext("x"), out _);
                    var seen = target.Seen;
                    contract.Dispatch(target, "notify", new FakeContext("y", 9, "t"), out _);
                    var ask = new FakeContext("x");
                    contract.Dispatch(target, "ask", ask, out var completion);
                    completion.GetAwaiter().GetResult();
                    var later = new FakeContext();
                    contract.Dispatch(target, "askLater", later, out completion);
                    completion.GetAwaiter().GetResult();
                    return seen + "\n" + target.Seen + "\n" + ask.Ack!.Values[0] + "\n" + later.Ack!.Values[0];
                }
            }
            """);

        Assert.Equal(
            "x|5|null|High|0.5|1.5|2.5|10|x|True|3|7|null|0|True|a\"b\n" +
            "y|9|t|High|0.5|1.5|2.5|10|x|True|3|7|null|0|True|a\"b\n" +
            "5\n" +
            "later",
            result);
    }
}
