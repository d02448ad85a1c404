using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TypedSockets.Generators.Tests;

/// <summary>Compiles test sources against .NET 10 reference assemblies and the contracts assembly, and runs the generator.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    public static CSharpCompilation Compile(params string[] sources)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions, path: "Test" + Array.IndexOf(sources, s) + ".cs"));
        var references = Net100.References.All.Concat([MetadataReference.CreateFromFile(typeof(SocketEventsAttribute).Assembly.Location)]);
        return CSharpCompilation.Create(
            "Tests",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new SocketEventsGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (driver, output, diagnostics);
    }

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(CSharpCompilation compilation)
    {
        var withAnalyzer = compilation.WithAnalyzers([new SocketEventsAnalyzer()]);
        return await withAnalyzer.GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>
    /// Runs the generator on <paramref name="source"/> and returns every warning or error of the result: generator
    /// diagnostics, analyzer diagnostics and the compiler's, on the user's code and the generated files alike.
    /// </summary>
    public static async Task<Diagnostic[]> ProblemsAsync(string source)
    {
        var (_, output, generatorDiagnostics) = Run(Compile(source));
        var analyzer = await AnalyzeAsync(Compile(source));
        return generatorDiagnostics.Concat(analyzer).Concat(output.GetDiagnostics())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToArray();
    }

    /// <summary>Compiles <paramref name="source"/> with the generator, loads it and calls the static method <c>Probe.Run()</c>.</summary>
    public static object? RunProbe(string source)
    {
        var (_, output, _) = Run(Compile(source));
        using var stream = new MemoryStream();
        var result = output.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var assembly = System.Reflection.Assembly.Load(stream.ToArray());
        return assembly.GetType("Probe", throwOnError: true)!.GetMethod("Run")!.Invoke(null, null);
    }

    /// <summary>The text of the file generated for <paramref name="source"/> whose hint name starts with <paramref name="hintPrefix"/>.</summary>
    public static string GeneratedText(string source, string hintPrefix) =>
        Run(Compile(source)).Driver.GetRunResult().Results.Single().GeneratedSources
            .Single(s => s.HintName.StartsWith(hintPrefix, StringComparison.Ordinal)).SourceText.ToString();

    /// <summary>
    /// The approval files in the checkout. Found from the repository root, not [CallerFilePath]: CI builds
    /// (ContinuousIntegrationBuild) map source paths to "/_/", which is no folder on the machine.
    /// </summary>
    public static string BaselinesDirectory() =>
        Path.Combine(TypedSockets.Testing.RepositoryRoot.Path, "tests", "TypedSockets.Generators.Tests", "Baselines");
}
