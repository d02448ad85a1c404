using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace TypedSockets.Packaging.Tests;

/// <summary>
/// Projects that know TypedSockets only through the packed packages: README.md's Install files (contracts, server,
/// client) and a contract the generator refuses.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed partial class FreshProjectTests(PackagedWorkspace workspace)
{
    private static readonly TimeSpan s_appTimeout = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex ListeningLine();

    [Fact]
    public void ReadmeShowsTheContractsServerAndClientFilesWithThePackedVersion()
    {
        workspace.RequirePacked();
        Assert.Equal(
            ["Greet.Client/Program.cs", "Greet.Contracts/Greet.Contracts.csproj", "Greet.Contracts/Greeter.cs", "Greet.Server/Program.cs"],
            workspace.ReadmeFiles.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(
            $"<PackageReference Include=\"TypedSockets\" Version=\"{workspace.Version}\" />",
            workspace.ReadmeFiles["Greet.Contracts/Greet.Contracts.csproj"]);
    }

    [Fact]
    public void ContractsServerAndClientBuildFromThePackagesWithoutAWarning()
    {
        workspace.RequirePacked();

        // -warnaserror: a warning (CS8032 for an analyzer that cannot load, NU1603, ...) would have failed the build.
        Assert.True(workspace.AppsBuild.ExitCode == 0, "The fresh projects did not build:\n" + workspace.AppsBuild);
        Assert.DoesNotContain("CS8032", workspace.AppsBuild.Output);
        Assert.DoesNotMatch(@"\bwarning [A-Z]+[0-9]+", workspace.AppsBuild.Output);
        Assert.Contains("0 Warning(s)", workspace.AppsBuild.Output);
    }

    [Fact]
    public void TheGeneratorFromThePackageCompilesTheContractsEmittersAndDispatchers()
    {
        workspace.RequirePacked();
        Assert.True(workspace.AppsBuild.ExitCode == 0, "The fresh projects did not build:\n" + workspace.AppsBuild);

        using var stream = File.OpenRead(workspace.AppAssembly("Greet.Contracts"));
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var types = reader.TypeDefinitions
            .Select(reader.GetTypeDefinition)
            .Select(t => (Namespace: reader.GetString(t.Namespace), Name: reader.GetString(t.Name), Type: t))
            .ToList();
        foreach (var generated in new[] { "IGreeterServerSocketEvents", "IGreeterClientSocketEvents" })
        {
            var type = Assert.Single(types, t => t.Namespace == "Greet.Contracts" && t.Name == generated).Type;
            var methods = type.GetMethods().Select(m => reader.GetString(reader.GetMethodDefinition(m).Name)).ToList();
            Assert.Contains("Register", methods);
            Assert.Contains("Dispatch", methods);
            var nested = type.GetNestedTypes().Select(n => reader.GetString(reader.GetTypeDefinition(n).Name));
            Assert.Contains("Emitter", nested);
        }
    }

    [Fact]
    public void AContractWithAGenericMethodFailsTheBuildWithTSG0002()
    {
        workspace.RequirePacked();
        var build = workspace.GenericContractBuild;
        Assert.True(build.ExitCode != 0, "The contract with a generic method built:\n" + build);
        Assert.Matches(@"IGenericServer\.cs\(\d+,\d+\): error TSG0002:", build.Output);
    }

    [Fact]
    public async Task TheServerAndTheClientExchangeATypedEventAndAnAckOverWebSocket()
    {
        workspace.RequirePacked();
        Assert.True(workspace.AppsBuild.ExitCode == 0, "The fresh projects did not build:\n" + workspace.AppsBuild);

        await using var server = Commands.StartApp(workspace.AppAssembly("Greet.Server"), ["--urls", "http://127.0.0.1:0"]);
        var listening = await server.WaitForOutputAsync(ListeningLine().IsMatch, s_appTimeout, "A listening line");
        var url = ListeningLine().Match(listening).Groups["url"].Value;

        await using var client = Commands.StartApp(workspace.AppAssembly("Greet.Client"), [url]);
        var result = await Commands.WaitForAppAsync(client, s_appTimeout);

        Assert.True(result.ExitCode == 0, $"The client failed:\n{result}\nServer:\n{server.Output}");
        Assert.Equal(["ack: hello, ada", "event: welcome, ada"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
