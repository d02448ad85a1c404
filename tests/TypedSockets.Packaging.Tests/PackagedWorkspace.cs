using System.IO.Compression;
using System.Xml.Linq;

namespace TypedSockets.Packaging.Tests;

/// <summary>
/// Once per test run: packs the src/ libraries into a temporary folder, then writes fresh projects beside it that
/// reference only those packages (README.md's Install files, and a contract with a generic method) and builds them,
/// as a new user would. The fresh projects live outside the repository with their own empty Directory.Build.props,
/// Directory.Build.targets and Directory.Packages.props, and a nuget.config naming the packages folder; the machine's
/// own feed configuration serves everything else. They restore into their own packages folder, so a re-pack of the
/// same version is never served from an earlier extraction; the machine's global packages folder is only a fallback
/// for the other packages (and not even that when it holds a TypedSockets package of the version under test).
/// </summary>
public sealed class PackagedWorkspace : IAsyncLifetime
{
    public static readonly string[] PackageIds = ["TypedSockets", "TypedSockets.Protocol", "TypedSockets.Server", "TypedSockets.Client", "TypedSockets.Redis"];

    private static readonly TimeSpan s_packTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(6);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("typedsockets-packaging-");

    public string PackagesFolder => Path.Combine(_root.FullName, "packages");

    public string AppsFolder => Path.Combine(_root.FullName, "apps");

    /// <summary>The files of README.md's Install section, by relative path.</summary>
    public IReadOnlyDictionary<string, string> ReadmeFiles { get; private set; } = new Dictionary<string, string>();

    public CommandResult Pack { get; private set; } = null!;

    /// <summary>The version of the packed TypedSockets package (all packages share it).</summary>
    public string Version { get; private set; } = "";

    /// <summary>The build of Greet.Contracts, Greet.Server and Greet.Client (README's files) against the packages.</summary>
    public CommandResult AppsBuild { get; private set; } = null!;

    /// <summary>The build of a contracts project whose [SocketEvents] interface has a generic method.</summary>
    public CommandResult GenericContractBuild { get; private set; } = null!;

    /// <summary>The build of a contracts project that sets TypedSocketsTypeScriptOutput (the TypeScript of its contracts).</summary>
    public CommandResult TypeScriptContractsBuild { get; private set; } = null!;

    /// <summary>The file TypeScriptContractsBuild writes.</summary>
    public string TypeScriptOutput => Path.Combine(AppsFolder, "Ts.Contracts", "web", "contracts.ts");

    /// <summary>The machine's global packages folder, when the fresh projects may fall back to it.</summary>
    public string? FallbackFolder { get; private set; }

    public async Task InitializeAsync()
    {
        ReadmeFiles = Tests.ReadmeFiles.Read(Path.Combine(RepositoryRoot.Path, "README.md"));
        Pack = await PackAsync();
        if (Pack.ExitCode != 0)
        {
            return; // every test reports Pack
        }

        var typedSockets = Directory.GetFiles(PackagesFolder, "TypedSockets.*.nupkg")
            .Single(path => char.IsDigit(Path.GetFileName(path)["TypedSockets.".Length]));
        Version = ReadNuspec(typedSockets).Element(Nuspec("metadata"))!.Element(Nuspec("version"))!.Value;
        WriteApps();

        // Restored into one packages folder, built side by side: the apps (one solution) and the failing contract.
        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(_root.FullName, "nuget-packages"),
            ["NUGET_FALLBACK_PACKAGES"] = "", // removed: nuget.config names the fallback folder, if any
        };
        var apps = Commands.DotnetAsync(AppsFolder, ["build", "Greet.slnx", "-nologo", "-warnaserror", "-p:NuGetAudit=false"], s_buildTimeout, environment);
        var generic = Commands.DotnetAsync(AppsFolder, ["build", "Generic.Contracts/Generic.Contracts.csproj", "-nologo", "-p:NuGetAudit=false"], s_buildTimeout, environment);
        AppsBuild = await apps;
        GenericContractBuild = await generic;
        TypeScriptContractsBuild = await Commands.DotnetAsync(AppsFolder, ["build", "Ts.Contracts/Ts.Contracts.csproj", "-nologo", "-warnaserror", "-p:NuGetAudit=false"], s_buildTimeout, environment);
    }

    public Task DisposeAsync()
    {
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the temporary folder is left to the OS then.
        }

        return Task.CompletedTask;
    }

    /// <summary>Fails the calling test with the pack output when packing failed.</summary>
    public void RequirePacked() => Assert.True(Pack.ExitCode == 0, "dotnet pack failed:\n" + Pack);

    /// <summary>The path of <paramref name="id"/>'s package (.nupkg or .snupkg).</summary>
    public string PackagePath(string id, string extension = ".nupkg") => Path.Combine(PackagesFolder, $"{id}.{Version}{extension}");

    /// <summary>The output assembly of a fresh project (Debug, net10.0).</summary>
    public string AppAssembly(string project) => Path.Combine(AppsFolder, project, "bin", "Debug", "net10.0", project + ".dll");

    public static XName Nuspec(string localName) => XName.Get(localName, "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd");

    /// <summary>The .nuspec of a package, with every element moved to the 2013/05 namespace (pack writes 2012/06 when it can).</summary>
    public static XElement ReadNuspec(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        var root = XDocument.Load(stream).Root!;
        foreach (var element in root.DescendantsAndSelf())
        {
            element.Name = Nuspec(element.Name.LocalName);
        }

        return root;
    }

    /// <summary>
    /// Packs every src/&lt;Name&gt;/&lt;Name&gt;.csproj, the projects <c>dotnet pack TypedSockets.sln</c> packs, through
    /// a solution filter (so the tests, samples and this project are not built again), in Release, with build
    /// output in the temporary folder (the repository's bin/obj are not touched).
    /// </summary>
    private async Task<CommandResult> PackAsync()
    {
        var repo = RepositoryRoot.Path;
        var projects = Directory.GetDirectories(Path.Combine(repo, "src"))
            .Select(dir => Path.Combine(dir, Path.GetFileName(dir) + ".csproj"))
            .Where(File.Exists)
            .Select(path => Path.GetRelativePath(repo, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        var filter = Path.Combine(_root.FullName, "packages.slnf");
        await File.WriteAllTextAsync(filter, System.Text.Json.JsonSerializer.Serialize(new
        {
            solution = new { path = Path.Combine(repo, "TypedSockets.sln"), projects },
        }));
        return await Commands.DotnetAsync(repo,
            ["pack", filter, "-c", "Release", "-o", PackagesFolder, "--artifacts-path", Path.Combine(_root.FullName, "artifacts"), "-nologo", "-v", "q"],
            s_packTimeout);
    }

    private void WriteApps()
    {
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var staleCopy = PackageIds.Any(id => Directory.Exists(Path.Combine(globalPackages, id.ToLowerInvariant(), Version.ToLowerInvariant())));
        FallbackFolder = Directory.Exists(globalPackages) && !staleCopy ? globalPackages : null;

        Write("Directory.Build.props", "<Project />\n");
        Write("Directory.Build.targets", "<Project />\n");
        Write("Directory.Packages.props", "<Project />\n");
        Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="typedsockets-under-test" value="{PackagesFolder}" />
              </packageSources>
            {(FallbackFolder is null ? "" : $"""
              <fallbackPackageFolders>
                <add key="machine-global-packages" value="{FallbackFolder}" />
              </fallbackPackageFolders>
            """)}
            </configuration>
            """);
        Write("Greet.slnx", """
            <Solution>
              <Project Path="Greet.Contracts/Greet.Contracts.csproj" />
              <Project Path="Greet.Server/Greet.Server.csproj" />
              <Project Path="Greet.Client/Greet.Client.csproj" />
            </Solution>
            """);

        foreach (var (path, content) in ReadmeFiles)
        {
            Write(path, content);
        }

        // What `dotnet new web|console` and `dotnet add package|reference` (README's commands) leave in the project files.
        Write("Greet.Server/Greet.Server.csproj", AppProject("Microsoft.NET.Sdk.Web", null, "TypedSockets.Server"));
        Write("Greet.Client/Greet.Client.csproj", AppProject("Microsoft.NET.Sdk", "Exe", "TypedSockets.Client"));

        WriteTypeScriptContracts();

        // README's contracts project again, with a contract the generator must refuse.
        Write("Generic.Contracts/Generic.Contracts.csproj", ReadmeFiles["Greet.Contracts/Greet.Contracts.csproj"]);
        Write("Generic.Contracts/IGenericServer.cs", """
            using TypedSockets;

            namespace Generic.Contracts;

            [SocketEvents]
            public interface IGenericServer
            {
                void Send<T>(T value);
            }
            """);
    }

    /// <summary>README's contracts project with TypedSocketsTypeScriptOutput set (docs/typescript.md) and a contract pair.</summary>
    private void WriteTypeScriptContracts()
    {
        var project = ReadmeFiles["Greet.Contracts/Greet.Contracts.csproj"];
        Assert.Contains("</PropertyGroup>", project, StringComparison.Ordinal);
        Write("Ts.Contracts/Ts.Contracts.csproj", project.Replace(
            "</PropertyGroup>", "  <TypedSocketsTypeScriptOutput>web/contracts.ts</TypedSocketsTypeScriptOutput>\n  </PropertyGroup>", StringComparison.Ordinal));
        Write("Ts.Contracts/Contracts.cs", """
            using TypedSockets;

            [assembly: SocketContractPair("Ts", typeof(Ts.Contracts.ITsServer), typeof(Ts.Contracts.ITsClient))]

            namespace Ts.Contracts;

            public sealed record Reply(string Text, DateTimeOffset At);

            [SocketEvents]
            public interface ITsServer
            {
                Task<Reply> Ask(string question);
            }

            [SocketEvents]
            public interface ITsClient
            {
                void Told(Reply reply);
            }
            """);
    }

    private string AppProject(string sdk, string? outputType, string package) => $"""
        <Project Sdk="{sdk}">
          <PropertyGroup>
            {(outputType is null ? "" : $"<OutputType>{outputType}</OutputType>")}
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="{package}" Version="{Version}" />
          </ItemGroup>
          <ItemGroup>
            <ProjectReference Include="..\Greet.Contracts\Greet.Contracts.csproj" />
          </ItemGroup>
        </Project>
        """;

    private void Write(string relativePath, string content)
    {
        var path = Path.Combine(AppsFolder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
