using System.Collections.Immutable;
using System.Runtime.CompilerServices;
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

    public static string BaselinesDirectory([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "Baselines");
}
