using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TypedSockets.Generators.Tests;

/// <summary>The pipeline caches: unrelated edits keep the steps cached, a signature change regenerates.</summary>
public sealed class IncrementalTests
{
    private const string Contract = """
        using TypedSockets;
        namespace Demo;
        [SocketEvents] public interface IFeed { void Post(string text); }
        """;

    private const string Other = "namespace Demo; public static class Other { public static int Value => 1; }";

    [Fact]
    public void UnrelatedEditKeepsTheModelCached()
    {
        var compilation = GeneratorHarness.Compile(Contract, Other);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText(Other.Replace("=> 1", "=> 2"), GeneratorHarness.ParseOptions, path: "Test1.cs"));
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        Assert.All(result.TrackedSteps[TrackingNames.ValidContracts].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditInsideTheContractFileThatKeepsTheSignatureIsUnchanged()
    {
        var compilation = GeneratorHarness.Compile(Contract);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Contract + "\n// a comment\n", GeneratorHarness.ParseOptions, path: "Test0.cs"));
        driver = driver.RunGenerators(edited);

        var outputs = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Contracts].SelectMany(s => s.Outputs).ToArray();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
    }

    [Fact]
    public void SignatureChangeRegenerates()
    {
        var compilation = GeneratorHarness.Compile(Contract);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Contract.Replace("string text", "string text, int priority"), GeneratorHarness.ParseOptions, path: "Test0.cs"));
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        var outputs = result.TrackedSteps[TrackingNames.ValidContracts].SelectMany(s => s.Outputs).ToArray();
        Assert.Contains(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("WriteInt32(priority)", result.GeneratedSources.Single().SourceText.ToString());
    }
}
