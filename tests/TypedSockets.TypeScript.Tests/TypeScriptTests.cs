using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSockets.Server;
using TypedSockets.Testing;

namespace TypedSockets.TypeScript.Tests;

/// <summary>
/// The TypeScript the build wrote for Contracts/MappingContracts.cs (node/src/contracts.ts): approved against
/// Baselines/contracts.ts, type-checked with the pinned tsc against node/src/fixture.ts (whose misuse lines must not
/// compile), and run in Node against <see cref="MappingHub"/> on Kestrel.
/// </summary>
public sealed class TypeScriptTests
{
    private static readonly string s_project = Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.TypeScript.Tests");
    private static readonly string s_node = Path.Combine(s_project, "node");

    [Fact]
    public void GeneratedFileMatchesTheApprovedBaseline()
    {
        var generated = File.ReadAllText(Path.Combine(s_node, "src", "contracts.ts"));
        var baselinePath = Path.Combine(s_project, "Baselines", "contracts.ts");
        if (Environment.GetEnvironmentVariable("UPDATE_BASELINES") == "1" && Environment.GetEnvironmentVariable("CI") != "true")
        {
            File.WriteAllText(baselinePath, generated);
        }

        Assert.True(File.Exists(baselinePath), "No baseline: run the tests once with UPDATE_BASELINES=1 and review " + baselinePath);
        Assert.Equal(File.ReadAllText(baselinePath), generated);
    }

    [Fact]
    public async Task FixtureTypeChecksAndEveryMisuseIsAnError()
    {
        var result = await NodeScripts.RunAsync(s_node, "node_modules/typescript/bin/tsc", ["-p", "tsconfig.json", "--noEmit"], TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task FixtureReceivesExactlyTheDeclaredShapesFromATypedHub()
    {
        var outDir = Path.Combine(s_node, "out");
        var compile = await NodeScripts.RunAsync(s_node, "node_modules/typescript/bin/tsc", ["-p", "tsconfig.json", "--outDir", outDir], TimeSpan.FromMinutes(2));
        Assert.True(compile.ExitCode == 0, compile.ToString());

        // The fixture imports docs/streaming.md's helper, the interop tests' file, next to it (its types: src/stream-helper.d.mts).
        File.Copy(Path.Combine(RepositoryRoot.Path, "tests", "TypedSockets.Interop.Tests", "node", "stream-helper.mjs"), Path.Combine(outDir, "stream-helper.mjs"), overwrite: true);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Public fields travel (docs/typescript.md): said explicitly while the JSON parser's default options leave them out.
        builder.Services.AddTypedSockets(o => o.JsonSerializerOptions.IncludeFields = true);
        await using var app = builder.Build();
        app.MapSocketIO("/socket.io", io => io.MapNamespace<MappingHub>("/mapping"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var run = await NodeScripts.RunAsync(s_node, Path.Combine("out", "fixture.js"), [address + "/mapping"], TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0 && run.StandardOutput.Contains("ok", StringComparison.Ordinal), run.ToString());
        await app.StopAsync();
    }
}
