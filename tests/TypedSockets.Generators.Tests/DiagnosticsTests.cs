using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace TypedSockets.Generators.Tests;

/// <summary>
/// Each diagnostic on its exact span, written with the <c>{|TSG0003:Foo|}</c> markup of the Roslyn testing packages:
/// the analyzer must report exactly the marked diagnostics, no more.
/// </summary>
public sealed partial class DiagnosticsTests
{
    private const string Prelude = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSockets;

        """;

    public static readonly TheoryData<string, string> Cases = new()
    {
        { "TSG0001 private nested", "public class Outer { [SocketEvents] private interface {|TSG0001:IHidden|} { void A(); } }" },
        { "TSG0001 generic", "[SocketEvents] public interface {|TSG0001:IGeneric|}<T> { void A(T value); }" },
        { "TSG0001 nested in a generic type", "public class Outer<T> { [SocketEvents] public interface {|TSG0001:INested|} { void A(); } }" },
        { "TSG0002", "[SocketEvents] public interface I { void {|TSG0002:A|}<T>(T value); }" },
        { "TSG0003 ref", "[SocketEvents] public interface I { void A(ref int {|TSG0003:x|}); }" },
        { "TSG0003 out", "[SocketEvents] public interface I { void A(out int {|TSG0003:x|}); }" },
        { "TSG0003 in", "[SocketEvents] public interface I { void A(in int {|TSG0003:x|}); }" },
        { "TSG0003 params", "[SocketEvents] public interface I { void A(params int[] {|TSG0003:xs|}); }" },
        { "TSG0004", "[SocketEvents] public interface I { int {|TSG0004:A|}(); }" },
        { "TSG0005", "[SocketEvents] public interface I { [SocketEvent(\"x\")] void A(); [SocketEvent(\"x\")] void {|TSG0005:B|}(); }" },
        { "TSG0006 camelCase", "[SocketEvents] public interface I { void {|TSG0006:Disconnect|}(); }" },
        { "TSG0006 attribute", "[SocketEvents] public interface I { [SocketEvent(\"connect_error\")] void {|TSG0006:Failed|}(); }" },
        { "TSG0007", "[SocketEvents] public interface I { void A(int x); void {|TSG0007:A|}(string x); }" },
        { "TSG0008 property", "[SocketEvents] public interface I { int {|TSG0008:Count|} { get; } }" },
        { "TSG0008 event", "[SocketEvents] public interface I { event Action {|TSG0008:Changed|}; }" },
        { "TSG0008 indexer", "[SocketEvents] public interface I { int {|TSG0008:this|}[int index] { get; } }" },
        { "TSG0009", "[SocketEvents] public interface I { Task<int> A(CancellationToken {|TSG0009:ct|}, int x); }" },
        { "TSG0010", "[SocketEvents] public interface I { [SocketEvent(\"\")] void {|TSG0010:A|}(); }" },
        { "TSG0012 delegate", "[SocketEvents] public interface I { void A(Action {|TSG0012:callback|}); }" },
        { "TSG0012 ref struct", "[SocketEvents] public interface I { void A(Span<byte> {|TSG0012:data|}); }" },
        { "TSG0012 ack", "[SocketEvents] public interface I { Task<Type> {|TSG0012:A|}(); }" },
        { "TSG0015 tuple parameter", "[SocketEvents] public interface I { void A((int X, int Y) {|TSG0015:point|}); }" },
        { "TSG0015 nested tuple", "[SocketEvents] public interface I { void A(System.Collections.Generic.List<System.Collections.Generic.Dictionary<string, (string, int)>> {|TSG0015:map|}, (int, int)[] {|TSG0015:pairs|}); }" },
        { "TSG0015 tuple ack", "[SocketEvents] public interface I { Task<(bool Ok, string Why)> {|TSG0015:A|}(); }" },
        { "TSG0012 IntPtr", "[SocketEvents] public interface I { void A(IntPtr {|TSG0012:p|}); }" },
        { "TSG0012 UIntPtr", "[SocketEvents] public interface I { void A(UIntPtr {|TSG0012:p|}); }" },
        { "TSG0012 nint", "[SocketEvents] public interface I { void A(nint {|TSG0012:p|}); }" },
        { "TSG0012 nuint ack", "[SocketEvents] public interface I { Task<nuint> {|TSG0012:A|}(); }" },
        { "TSG0014 IAsyncEnumerable acknowledgement", "[SocketEvents] public interface I { Task<System.Collections.Generic.IAsyncEnumerable<int>> {|TSG0014:A|}(); }" },
        { "TSG0014 ChannelReader acknowledgement", "[SocketEvents] public interface I { ValueTask<System.Threading.Channels.ChannelReader<string>> {|TSG0014:A|}(); }" },
        { "TSG0014 stream in a list", "[SocketEvents] public interface I { Task A(System.Collections.Generic.List<System.Collections.Generic.IAsyncEnumerable<int>> {|TSG0014:streams|}); }" },
        { "TSG0014 stream of streams", "[SocketEvents] public interface I { System.Collections.Generic.IAsyncEnumerable<System.Collections.Generic.IAsyncEnumerable<int>> {|TSG0014:A|}(); }" },
        { "TSG0014 derived channel reader", "public abstract class R : System.Threading.Channels.ChannelReader<int> { } [SocketEvents] public interface I { Task A(R {|TSG0014:reader|}); }" },
        { "TSG0012 stream of tasks", "[SocketEvents] public interface I { System.Collections.Generic.IAsyncEnumerable<Task> {|TSG0012:A|}(); }" },
        { "TSG0017 stream parameter returning void", "[SocketEvents] public interface I { void {|TSG0017:A|}(System.Collections.Generic.IAsyncEnumerable<int> items); }" },
        { "TSG0017 stream both ways", "[SocketEvents] public interface I { System.Collections.Generic.IAsyncEnumerable<int> {|TSG0017:A|}(System.Collections.Generic.IAsyncEnumerable<int> items); }" },
        { "TSG0018 stream prefix", "[SocketEvents] public interface I { [SocketEvent(\"$stream:item\")] void {|TSG0018:A|}(); }" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ReportsTheMarkedDiagnostic(string name, string markup)
    {
        Assert.NotEmpty(name);
        await VerifyAsync(Prelude + markup);
    }

    /// <summary>The message of each diagnostic reads as a sentence about the user's code.</summary>
    public static readonly TheoryData<string, string> Messages = new()
    {
        { "[SocketEvents] public interface IGeneric<T> { void A(T value); }", "'IGeneric' cannot be a socket contract: generic interfaces are not supported" },
        { "public class Outer<T> { [SocketEvents] public interface INested { void A(); } }", "'INested' cannot be a socket contract: it is nested in the generic type 'Outer<T>', which the generated code cannot name (move the interface out of it)" },
        { "[SocketEvents] public interface I { event Action Changed; }", "'Changed' is an event: a socket contract declares events as methods only" },
        { "[SocketEvents] public interface I { int this[int index, string key] { get; } }", "'this[int index, string key]' is an indexer: a socket contract declares events as methods only" },
        { "[SocketEvents] public interface I { int Count { get; } }", "'Count' is a property: a socket contract declares events as methods only" },
        { "[SocketEvents] public interface I { void A(Action t); }", "Parameter 't' of event method 'A' has type 'System.Action', which the serializer cannot handle: delegates have no wire form" },
        { "[SocketEvents] public interface I { Task<Type> A(); }", "The acknowledgement of event method 'A' has type 'System.Type', which the serializer cannot handle: System.Type is not serializable" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task DiagnosticMessagesReadAsSentences(string source, string message)
    {
        var diagnostics = await GeneratorHarness.AnalyzeAsync(GeneratorHarness.Compile(Prelude + source));
        Assert.Equal([message], diagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task AValidContractHasNoDiagnostics() => await VerifyAsync(Sources.Chat);

    [Fact]
    public async Task HubThatDoesNotImplementItsServerContractIsReported()
    {
        // A stand-in for TypedSockets.Server.SocketHub<,> (the analyzer matches it by metadata name).
        await VerifyAsync(Prelude + """
            namespace TypedSockets.Server { public abstract class SocketHub<TServer, TClient> { } }
            [SocketEvents] public interface IServer { void Send(string text); }
            [SocketEvents] public interface IClient { void Message(string text); }
            public interface IPlain { }
            public sealed class {|TSG0011:BadHub|} : TypedSockets.Server.SocketHub<IServer, IClient> { }
            public sealed class GoodHub : TypedSockets.Server.SocketHub<IServer, IClient>, IServer { public void Send(string text) { } }
            public sealed class {|TSG0013:PlainHub|} : TypedSockets.Server.SocketHub<IServer, IPlain>, IServer { public void Send(string text) { } }
            """);
    }

    [Fact]
    public void EveryDescriptorIsDocumentedAndTracked()
    {
        var root = TypedSockets.Testing.RepositoryRoot.Path;
        var docs = File.ReadAllText(Path.Combine(root, "docs", "diagnostics.md"));
        var unshipped = File.ReadAllText(Path.Combine(root, "generators", "TypedSockets.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in new SocketEventsAnalyzer().SupportedDiagnostics)
        {
            Assert.Contains("## " + descriptor.Id, docs);
            Assert.Contains(descriptor.Id + " | TypedSockets | Error", unshipped);
        }
    }

    private static async Task VerifyAsync(string markup)
    {
        var (source, expected) = ParseMarkup(markup);
        var diagnostics = await GeneratorHarness.AnalyzeAsync(GeneratorHarness.Compile(source));
        var actual = diagnostics.Select(d => $"{d.Id} {source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)} @{d.Location.SourceSpan.Start}").Order().ToArray();
        Assert.Equal(expected.Order().ToArray(), actual);
        Assert.All(diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.GetMessage()), d.Id));
    }

    private static (string Source, List<string> Expected) ParseMarkup(string markup)
    {
        var builder = new StringBuilder();
        var expected = new List<string>();
        var last = 0;
        foreach (Match match in MarkupRegex().Matches(markup))
        {
            builder.Append(markup, last, match.Index - last);
            expected.Add($"{match.Groups[1].Value} {match.Groups[2].Value} @{builder.Length}");
            builder.Append(match.Groups[2].Value);
            last = match.Index + match.Length;
        }

        builder.Append(markup, last, markup.Length - last);
        return (builder.ToString(), expected);
    }

    [GeneratedRegex(@"\{\|(TSG\d{4}):(.*?)\|\}")]
    private static partial Regex MarkupRegex();
}
