using System.Text.Json;
using TypedSockets.LoadTest.Measurement;
using TypedSockets.LoadTest.Reporting;

namespace TypedSockets.LoadTest.Tests;

public sealed class ReportTests
{
    private const string Shared = """
        # Benchmarks

        ## Typed emits

        micro-benchmarks

        ## Load test

        old figures

        ## Client

        client figures
        """;

    [Fact]
    public void ReplacingTheLoadTestSectionKeepsTheOtherSections()
    {
        var text = MarkdownSections.ReplaceIn(Shared.ReplaceLineEndings("\n"), "## Load test", "## Load test\n\nnew figures\n");

        Assert.Contains("## Typed emits\n\nmicro-benchmarks\n", text, StringComparison.Ordinal);
        Assert.Contains("## Load test\n\nnew figures\n\n## Client\n\nclient figures", text, StringComparison.Ordinal);
        Assert.DoesNotContain("old figures", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingSectionIsAppended()
    {
        var text = MarkdownSections.ReplaceIn("# Benchmarks\n\n## Client\n\nx\n", "## Load test", "## Load test\n\ny\n");

        Assert.Equal("# Benchmarks\n\n## Client\n\nx\n\n## Load test\n\ny\n", text);
    }

    [Fact]
    public void TheReportTakesMediansAndRatiosAndDrawsCharts()
    {
        var directory = Directory.CreateTempSubdirectory("loadtest-report").FullName;
        try
        {
            var results = Path.Combine(directory, "results.jsonl");
            var lines = new[]
            {
                Result("typedsockets-json", 100, 1_000), Result("typedsockets-json", 100, 3_000), Result("typedsockets-json", 100, 2_000),
                Result("node", 100, 1_000),
            }.Select(r => JsonSerializer.Serialize(r, ResultJsonContext.Default.ScenarioResult));
            File.WriteAllLines(results, lines);
            var doc = Path.Combine(directory, "benchmarks.md");
            File.WriteAllText(doc, Shared);

            ReportWriter.Write(results, doc, Path.Combine(directory, "images"), metaPath: null);

            var text = File.ReadAllText(doc);
            Assert.Contains("| 100 | typedsockets-json | 2,000 |", text, StringComparison.Ordinal); // the median of 1k, 2k, 3k
            Assert.Contains("| 100 | node | 1,000 | 2.00x |", text, StringComparison.Ordinal);
            Assert.Contains("client figures", text, StringComparison.Ordinal);
            Assert.True(new FileInfo(Path.Combine(directory, "images", "loadtest-echo-throughput.png")).Length > 1000);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ScenarioResult Result(string target, int clients, long operations) => new()
    {
        Target = target,
        Scenario = "echo",
        Mode = "closed",
        Clients = clients,
        Connected = clients,
        Operations = operations,
        Seconds = 1,
        P50Us = 100,
        P99Us = 200,
        P999Us = 300,
        ServerCpuSeconds = 0.5,
        LoadAverage = 1,
    };
}
