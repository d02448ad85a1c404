namespace TypedSockets.Fuzz.Tests;

/// <summary>
/// The short deterministic fuzz run of every target (a fixed seed, so a failure reproduces with
/// <c>dotnet run --project tests/TypedSockets.Fuzz -- run &lt;target&gt; --iterations 20000 --seed 20261203</c>), and the
/// regression inputs kept under tests/TypedSockets.Fuzz/corpus/regressions replayed.
/// </summary>
public sealed class ShortFuzzRunTests
{
    private const int Seed = 20261203;
    private const int Iterations = 20_000;

    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var target in FuzzTargets.All())
        {
            data.Add(target.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void MutatedInputsDecodeOrFailAsDocumented(string name)
    {
        var result = new FuzzRunner(FuzzTargets.Get(name), Seed).Run(Iterations);

        Assert.True(result.Failures.Count == 0, Describe(result));
        Assert.Equal(Iterations + FuzzTargets.Get(name).Seeds.Count, result.Inputs);

        // The run reaches both sides of the decoder: more than one accepted shape and more than one rejection.
        Assert.True(result.Outcomes >= 4, $"only {result.Outcomes} distinct outcomes: the seeds do not exercise the decoder");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedsAndRegressionInputsDecodeOrFailAsDocumented(string name)
    {
        var target = FuzzTargets.Get(name);
        var inputs = target.Seeds.Select((input, i) => ($"seed {i}", input))
            .Concat(FuzzTargets.Regressions(CorpusRoot, target).Select(r => (Path.GetFileName(r.Path), r.Input)));
        foreach (var (label, input) in inputs)
        {
            var exception = Record.Exception(() => target.Execute(input));
            Assert.True(exception is null, $"{name} {label}: {exception}");
        }
    }

    [Fact]
    public void TheRegressionCorpusIsFound()
    {
        Assert.NotEmpty(FuzzTargets.Regressions(CorpusRoot, FuzzTargets.Get("socketio-json")));
        Assert.NotEmpty(FuzzTargets.Regressions(CorpusRoot, FuzzTargets.Get("redis-notepack")));
    }

    [Fact]
    public void RunsAreDeterministic()
    {
        var first = new FuzzRunner(FuzzTargets.Get("socketio-msgpack"), Seed).Run(2_000);
        var second = new FuzzRunner(FuzzTargets.Get("socketio-msgpack"), Seed).Run(2_000);
        Assert.Equal(first.Outcomes, second.Outcomes);
        Assert.Equal(first.CorpusSize, second.CorpusSize);
    }

    private static string CorpusRoot => Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.Fuzz", "corpus");

    private static string Describe(FuzzResult result) =>
        $"{result.Target}: {result.Failures.Count} failure(s)\n" + string.Join("\n", result.Failures.Select(f =>
            $"{f.Signature}\n  input (hex): {Convert.ToHexString(f.Input)}\n  {f.Exception}"));
}
