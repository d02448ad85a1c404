using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSockets.Generators.TypeScript;

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
    private const string PairedContract = """
        using TypedSockets;
        [assembly: SocketContractPair("Feed", typeof(Demo.IFeed), typeof(Demo.IFeedClient))]
        namespace Demo;
        [SocketEvents] public interface IFeed { void Post(string text); System.Threading.Tasks.Task<int> Count(); }
        [SocketEvents] public interface IFeedClient { void Posted(string text); }
        """;

    [Fact]
    public void UnrelatedEditKeepsTheTypeScriptStepsCached()
    {
        var compilation = GeneratorHarness.Compile(PairedContract, Other);
        var driver = CreateTypeScriptDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText(Other.Replace("=> 1", "=> 2"), GeneratorHarness.ParseOptions, path: "Test1.cs"));
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        foreach (var step in new[] { TrackingNames.TypeScriptContracts, TrackingNames.TypeScriptPairs, TrackingNames.TypeScriptOptions })
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToArray();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + o.Reason));
        }

        // The TypeScript carrier among them: nothing is emitted again.
        Assert.Contains(result.GeneratedSources, s => s.HintName == TypeScriptEmitter.CarrierHintName);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void ContractSignatureChangeRewritesTheTypeScript()
    {
        var compilation = GeneratorHarness.Compile(PairedContract);
        var driver = CreateTypeScriptDriver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(PairedContract.Replace("void Post(string text)", "void Post(string text, int priority)"), GeneratorHarness.ParseOptions, path: "Test0.cs"));
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        var contracts = result.TrackedSteps[TrackingNames.TypeScriptContracts].SelectMany(s => s.Outputs).ToArray();
        Assert.Contains(contracts, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.All(result.TrackedSteps[TrackingNames.TypeScriptPairs].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        var carrier = result.GeneratedSources.Single(s => s.HintName == TypeScriptEmitter.CarrierHintName).SourceText.ToString();
        Assert.Contains("post: (text: string, priority: number) => void;", TypeScriptEmitter.ExtractFromCarrier(carrier), StringComparison.Ordinal);
    }

    private static GeneratorDriver CreateTypeScriptDriver() =>
        CSharpGeneratorDriver.Create(
            [new SocketEventsGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: new TypeScriptOutputOptions(),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>A project that sets TypedSocketsTypeScriptOutput.</summary>
    private sealed class TypeScriptOutputOptions : AnalyzerConfigOptionsProvider
    {
        private static readonly Values s_global = new("contracts.ts");
        private static readonly Values s_empty = new(null);

        public override AnalyzerConfigOptions GlobalOptions => s_global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_empty;

        private sealed class Values(string? output) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value)
            {
                value = key == "build_property.TypedSocketsTypeScriptOutput" ? output : null;
                return value is not null;
            }
        }
    }
}
