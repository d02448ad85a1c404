using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSockets.Generators.TypeScript;

namespace TypedSockets.Generators.Tests;

/// <summary>
/// The TypeScript output's diagnostics (TSG0026-TSG0029), reported by the generator when the project sets
/// TypedSocketsTypeScriptOutput, each on its exact span (<c>{|TSG0026:A|}</c> markup); and its naming policies.
/// </summary>
public sealed partial class DiagnosticsTests
{
    public static readonly TheoryData<string, string> TypeScriptCases = new()
    {
        { "TSG0026 tuple", "[SocketEvents] public interface I { void {|TSG0026:A|}((int, string) pair); }" },
        { "TSG0026 dictionary key", "public sealed record Dto(System.Collections.Generic.Dictionary<Dto, int> Map); [SocketEvents] public interface I { System.Threading.Tasks.Task<Dto> {|TSG0026:A|}(); }" },
        { "TSG0026 multi-dimensional array", "[SocketEvents] public interface I { void {|TSG0026:A|}(int[,] grid); }" },
        { "TSG0027 not a contract", "[assembly: {|TSG0027:SocketContractPair(\"X\", typeof(IServer), typeof(IPlain))|}] public interface IPlain { } [SocketEvents] public interface IServer { void A(); }" },
        { "TSG0027 not an identifier", "[assembly: {|TSG0027:SocketContractPair(\"my-chat\", typeof(IServer), typeof(IServer))|}] [SocketEvents] public interface IServer { void A(); }" },
        { "TSG0029 client contract result stream", "[assembly: SocketContractPair(\"P\", typeof(IServer), typeof(IClient))] [SocketEvents] public interface IServer { System.Collections.Generic.IAsyncEnumerable<int> Ticks(); } [SocketEvents] public interface IClient { System.Collections.Generic.IAsyncEnumerable<int> {|TSG0029:Ticks|}(); void B(); }" },
        { "TSG0029 client contract stream argument", "[assembly: SocketContractPair(\"P\", typeof(IServer), typeof(IClient))] [SocketEvents] public interface IServer { void A(); } [SocketEvents] public interface IClient { System.Threading.Tasks.Task {|TSG0029:Store|}(System.Threading.Channels.ChannelReader<int> items); }" },
    };

    [Theory]
    [MemberData(nameof(TypeScriptCases))]
    public void TypeScriptOutputReportsTheMarkedDiagnostic(string name, string markup)
    {
        Assert.NotEmpty(name);
        var (source, expected) = ParseMarkup(Prelude + markup);
        var diagnostics = RunTypeScript(source, "CamelCase").Diagnostics;
        var actual = diagnostics.Select(d => $"{d.Id} {source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)} @{d.Location.SourceSpan.Start}").Order().ToArray();
        Assert.Equal(expected.Order().ToArray(), actual);
    }

    [Fact]
    public void TypeScriptDiagnosticsNeedTheTypeScriptOutput()
    {
        var source = Prelude + "[SocketEvents] public interface I { void A((int, string) pair); }";
        var (_, _, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("TSG002", StringComparison.Ordinal));
    }

    [Fact]
    public void StreamsThePageCallsAreTyped()
    {
        var source = Prelude + """
            [assembly: SocketContractPair("Feed", typeof(IFeedServer), typeof(IFeedClient))]
            public sealed record Tick(string Symbol);
            [SocketEvents] public interface IFeedServer
            {
                System.Collections.Generic.IAsyncEnumerable<Tick> Ticks(string symbol, System.Threading.CancellationToken ct);
                System.Threading.Channels.ChannelReader<string> Lines(int count);
                System.Threading.Tasks.Task<int> Upload(System.Collections.Generic.IAsyncEnumerable<Tick> ticks);
                System.Threading.Tasks.Task Store(string name, System.Threading.Channels.ChannelReader<int> values);
            }
            [SocketEvents] public interface IFeedClient { void B(); }
            """;
        var (text, diagnostics) = RunTypeScript(source, "CamelCase");
        Assert.Empty(diagnostics);
        Assert.Contains("export interface FeedServerStreams {\n    ticks: (symbol: string) => AsyncIterable<Tick>;\n    lines: (count: number) => AsyncIterable<string>;\n}\n", text);
        Assert.Contains("    upload: (ticks: StreamArgument<Tick>, callback: (result: number) => void) => void;\n", text);
        Assert.Contains("    store: (name: string, values: StreamArgument<number>) => void;\n", text);
        Assert.DoesNotContain("    ticks: (symbol: string) => void;", text);
        Assert.Contains("export type StreamArgument<T> = ", text);
        Assert.Contains("export interface TypedStreams<S> {", text);
    }

    [Fact]
    public void WithoutStreamsTheStreamTypesAreNotWritten()
    {
        var (text, diagnostics) = RunTypeScript(Prelude + "public sealed record StreamArgument(int X); [SocketEvents] public interface I { void A(StreamArgument a); }", "CamelCase");
        Assert.Empty(diagnostics);
        Assert.DoesNotContain("TypedStreams", text);
        Assert.Contains("export interface StreamArgument {", text);
    }

    [Fact]
    public void ADtoNamedLikeAStreamTypeIsReportedWhenStreamsAreWritten()
    {
        var source = Prelude + "public sealed record StreamArgument(int X); [SocketEvents] public interface I { void A(StreamArgument a); System.Collections.Generic.IAsyncEnumerable<int> B(); }";
        var diagnostic = Assert.Single(RunTypeScript(source, "CamelCase").Diagnostics);
        Assert.Equal("TSG0028", diagnostic.Id);
    }

    [Fact]
    public void TwoTypesWithOneTypeScriptNameAreReported()
    {
        var source = Prelude + """
            namespace A { public sealed record Item(int Id); }
            namespace B { public sealed record Item(string Name); }
            [SocketEvents] public interface I { void First(A.Item item); void Second(B.Item item); }
            """;
        var diagnostic = Assert.Single(RunTypeScript(source, "CamelCase").Diagnostics);
        Assert.Equal("The TypeScript name 'Item' is taken by 'A.Item' and also wanted by 'B.Item': rename one (TypeScript names are the C# names without namespaces)", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("CamelCase", "userCount", "xmlReader")]
    [InlineData("None", "UserCount", "XMLReader")]
    [InlineData("SnakeCaseLower", "user_count", "xml_reader")]
    [InlineData("SnakeCaseUpper", "USER_COUNT", "XML_READER")]
    [InlineData("KebabCaseLower", "user-count", "xml-reader")]
    [InlineData("KebabCaseUpper", "USER-COUNT", "XML-READER")]
    public void PropertyNamesFollowTheNamingPolicyAndJsonPropertyNameWins(string policy, string userCount, string xmlReader)
    {
        var source = Prelude + """
            public sealed record Room(int UserCount, string XMLReader, [property: System.Text.Json.Serialization.JsonPropertyName("Fixed")] string Renamed);
            [SocketEvents] public interface I { void A(Room room); }
            """;
        var (text, diagnostics) = RunTypeScript(source, policy);
        Assert.Empty(diagnostics);
        Assert.Contains("    " + TypeScriptNaming.PropertyKey(userCount) + ": number;\n", text);
        Assert.Contains("    " + TypeScriptNaming.PropertyKey(xmlReader) + ": string;\n", text);
        Assert.Contains("    Fixed: string;\n", text);
    }

    [Fact]
    public void EveryTypeScriptDescriptorIsDocumentedAndTracked()
    {
        var root = TypedSockets.Testing.RepositoryRoot.Path;
        var docs = File.ReadAllText(Path.Combine(root, "docs", "diagnostics.md"));
        var unshipped = File.ReadAllText(Path.Combine(root, "generators", "TypedSockets.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var id in new[] { "TSG0026", "TSG0027", "TSG0028", "TSG0029" })
        {
            var descriptor = DiagnosticDescriptors.ById(id);
            Assert.Equal(id, descriptor.Id);
            Assert.Contains("## " + id, docs);
            Assert.Contains(id + " | TypedSockets | " + descriptor.DefaultSeverity, unshipped);
        }
    }

    /// <summary>Runs the generator as a project with TypedSocketsTypeScriptOutput set: the TypeScript text and the generator's diagnostics.</summary>
    private static (string Text, ImmutableArray<Diagnostic> Diagnostics) RunTypeScript(string source, string namingPolicy)
    {
        var options = new Options(new Dictionary<string, string>
        {
            ["build_property.TypedSocketsTypeScriptOutput"] = "contracts.ts",
            ["build_property.TypedSocketsJsonNamingPolicy"] = namingPolicy,
        });
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new SocketEventsGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions, optionsProvider: options);
        var ran = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compile(source), out _, out var diagnostics);
        var carrier = ran.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == TypeScriptEmitter.CarrierHintName);
        return (TypeScriptEmitter.ExtractFromCarrier(carrier.SourceText.ToString()), diagnostics);
    }

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        private readonly Values _global = new(values);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Values.Empty;

        private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Values Empty = new([]);

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
