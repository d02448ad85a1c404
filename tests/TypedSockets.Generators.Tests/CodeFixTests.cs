using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TypedSockets.Generators.CodeFixes;

namespace TypedSockets.Generators.Tests;

/// <summary>
/// The code fixes, applied as an IDE does (a workspace document, the analyzer's diagnostic, the code action's
/// operations): the fixed source must match exactly, and it must compile without any TypedSockets diagnostic.
/// </summary>
public sealed class CodeFixTests
{
    private const string Prelude = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSockets;

        """;

    [Theory]
    [InlineData("ref int x", "int x", "Remove 'ref' from 'x'")]
    [InlineData("out int x", "int x", "Remove 'out' from 'x'")]
    [InlineData("in int x", "int x", "Remove 'in' from 'x'")]
    [InlineData("params int[] xs", "int[] xs", "Remove 'params' from 'xs'")]
    [InlineData("string a, ref readonly int x", "string a, int x", "Remove 'ref readonly' from 'x'")]
    public async Task TSG0003RemovesTheModifier(string before, string after, string title)
    {
        var (fixedSource, actualTitle) = await FixAsync(
            Prelude + $"[SocketEvents]\npublic interface I\n{{\n    void A({before});\n}}\n", "TSG0003");
        Assert.Equal(Prelude + $"[SocketEvents]\npublic interface I\n{{\n    void A({after});\n}}\n", fixedSource);
        Assert.Equal(title, actualTitle);
    }

    [Theory]
    [InlineData("CancellationToken ct, int x", "int x, CancellationToken ct")]
    [InlineData("string a, CancellationToken ct, int x, byte[] data", "string a, int x, byte[] data, CancellationToken ct")]
    [InlineData("CancellationToken ct,\n        int x", "int x, CancellationToken ct")]
    public async Task TSG0009MovesTheTokenLast(string before, string after)
    {
        var (fixedSource, title) = await FixAsync(
            Prelude + $"[SocketEvents]\npublic interface I\n{{\n    Task<int> A({before});\n}}\n", "TSG0009");
        Assert.Equal(Prelude + $"[SocketEvents]\npublic interface I\n{{\n    Task<int> A({after});\n}}\n", fixedSource);
        Assert.Equal("Move 'ct' to the end of the parameters", title);
    }

    [Fact]
    public async Task TSG0006AddsAnUnreservedWireName()
    {
        var (fixedSource, title) = await FixAsync(
            Prelude + "[SocketEvents]\npublic interface I\n{\n    /// <summary>Leaves.</summary>\n    void Disconnect();\n}\n", "TSG0006");
        Assert.Equal(
            Prelude + "[SocketEvents]\npublic interface I\n{\n    /// <summary>Leaves.</summary>\n    [SocketEvent(\"disconnectEvent\")]\n    void Disconnect();\n}\n",
            fixedSource);
        Assert.Equal("Send 'Disconnect' as \"disconnectEvent\" with [SocketEvent]", title);
    }

    [Fact]
    public async Task TSG0006ReplacesAReservedAttributeName()
    {
        var (fixedSource, _) = await FixAsync(
            Prelude + "[SocketEvents]\npublic interface I\n{\n    [SocketEvent(\"connect_error\")]\n    void Failed(string why);\n}\n", "TSG0006");
        Assert.Equal(Prelude + "[SocketEvents]\npublic interface I\n{\n    [SocketEvent(\"failed\")]\n    void Failed(string why);\n}\n", fixedSource);
    }

    [Fact]
    public async Task TSG0005PicksANameNoOtherEventUses()
    {
        // "b" (the camelCase name) is taken by C, "bEvent" by D: the fix goes on to "bEvent2".
        var (fixedSource, _) = await FixAsync(
            Prelude + """
            [SocketEvents]
            public interface I
            {
                [SocketEvent("x")]
                void A();

                [SocketEvent("x")]
                Task<int> B(int n);

                [SocketEvent("b")]
                void C();

                [SocketEvent("bEvent")]
                void D();
            }

            """, "TSG0005");
        Assert.Contains("""
                [SocketEvent("bEvent2")]
                Task<int> B(int n);
            """, fixedSource, StringComparison.Ordinal);
        Assert.Contains("""
                [SocketEvent("x")]
                void A();
            """, fixedSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TSG0005WithoutAttributeAddsOne()
    {
        // "send" is taken by Post's attribute; Send gets "sendEvent".
        var (fixedSource, _) = await FixAsync(
            Prelude + "[SocketEvents]\npublic interface I\n{\n    [SocketEvent(\"send\")]\n    void Post(string text);\n\n    void Send(string text);\n}\n", "TSG0005");
        Assert.Equal(
            Prelude + "[SocketEvents]\npublic interface I\n{\n    [SocketEvent(\"send\")]\n    void Post(string text);\n\n    [SocketEvent(\"sendEvent\")]\n    void Send(string text);\n}\n",
            fixedSource);
    }

    [Fact]
    public void DiagnosticsWithoutAnObviousFixAreNotOffered()
    {
        var fixable = new SocketEventsCodeFixProvider().FixableDiagnosticIds;
        Assert.Equal(["TSG0003", "TSG0005", "TSG0006", "TSG0009"], fixable.Order());
        Assert.All(fixable, id => Assert.Contains(id, new SocketEventsAnalyzer().SupportedDiagnostics.Select(d => d.Id)));
    }

    private static async Task<(string Source, string Title)> FixAsync(string source, string id)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            "Tests",
            "Tests",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(SocketEventsAttribute).Assembly.Location)]));
        var documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Test0.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;

        var diagnostic = Assert.Single(await AnalyzeAsync(document), d => d.Id == id);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await new SocketEventsCodeFixProvider().RegisterCodeFixesAsync(context);
        var fix = Assert.Single(actions);
        var operations = await fix.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(documentId)!;

        var after = await AnalyzeAsync(changed);
        Assert.DoesNotContain(after, d => d.Id.StartsWith("TSG", StringComparison.Ordinal));
        var errors = (await changed.Project.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(errors);
        return ((await changed.GetTextAsync()).ToString(), fix.Title);
    }

    private static async Task<IReadOnlyList<Diagnostic>> AnalyzeAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        return await compilation.WithAnalyzers([new SocketEventsAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }
}
