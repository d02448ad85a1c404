using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TypedSockets.Packaging.Tests;

/// <summary>What the packed .nupkg and .snupkg files hold.</summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageContentsTests(PackagedWorkspace workspace)
{
    /// <summary>Each package's target frameworks: the contracts, codecs and client also run on netstandard2.1 hosts (Unity).</summary>
    private static readonly Dictionary<string, string[]> s_frameworks = new()
    {
        ["TypedSockets"] = ["net10.0", "netstandard2.1"],
        ["TypedSockets.Protocol"] = ["net10.0", "netstandard2.1"],
        ["TypedSockets.Server"] = ["net10.0"],
        ["TypedSockets.Client"] = ["net10.0", "netstandard2.1"],
        ["TypedSockets.Redis"] = ["net10.0"],
    };

    /// <summary>
    /// Each package's dependencies per target framework; ours are at the same version. On netstandard2.1 the packages
    /// that stand in for what .NET 10 has in the box (System.Text.Json, TimeProvider, Channels) come in addition.
    /// </summary>
    private static readonly Dictionary<(string Id, string Framework), string[]> s_dependencies = new()
    {
        [("TypedSockets", "net10.0")] = [],
        [("TypedSockets", "netstandard2.1")] = [],
        [("TypedSockets.Protocol", "net10.0")] = ["TypedSockets", "MessagePack"],
        [("TypedSockets.Protocol", "netstandard2.1")] = ["TypedSockets", "MessagePack", "System.Text.Json"],
        // BCrypt.Net-Next: the Admin UI's password check (docs/admin-ui.md).
        [("TypedSockets.Server", "net10.0")] = ["TypedSockets.Protocol", "BCrypt.Net-Next"],
        [("TypedSockets.Client", "net10.0")] = ["TypedSockets.Protocol", "Microsoft.Extensions.Logging.Abstractions"],
        [("TypedSockets.Client", "netstandard2.1")] =
            ["TypedSockets.Protocol", "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Bcl.TimeProvider", "System.Threading.Channels",
             "System.Diagnostics.DiagnosticSource"], // the client's ActivitySource (in the shared framework on net10.0)
        [("TypedSockets.Redis", "net10.0")] = ["TypedSockets.Server", "StackExchange.Redis"],
    };

    [Fact]
    public void PackingWritesExactlyTheFivePackagesAndTheirSymbolPackages()
    {
        workspace.RequirePacked();
        var expected = PackagedWorkspace.PackageIds
            .SelectMany(id => new[] { $"{id}.{workspace.Version}.nupkg", $"{id}.{workspace.Version}.snupkg" })
            .Order(StringComparer.Ordinal);
        var actual = Directory.GetFiles(workspace.PackagesFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
        Assert.Matches(@"^0\.\d+\.\d+-[0-9A-Za-z.]+$", workspace.Version);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EachPackageHasItsReadmeLicenseDescriptionTagsAndDocumentedAssembly(string id)
    {
        workspace.RequirePacked();
        var metadata = PackagedWorkspace.ReadNuspec(workspace.PackagePath(id)).Element(PackagedWorkspace.Nuspec("metadata"))!;
        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal(workspace.Version, Value(metadata, "version"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("expression", metadata.Element(PackagedWorkspace.Nuspec("license"))!.Attribute("type")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Contains("socket.io", Value(metadata, "tags").Split(' '));

        var files = Entries(workspace.PackagePath(id));
        var readme = ReadEntry(workspace.PackagePath(id), "README.md");
        Assert.StartsWith("# " + id + "\n", readme.ReplaceLineEndings("\n"));
        Assert.Contains($"dotnet add package {id}", readme);
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", id, "README.md")), readme);

        var libraries = files.Where(f => f.StartsWith("lib/", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            s_frameworks[id].Select(framework => $"lib/{framework}/{id}.dll").Order(StringComparer.Ordinal),
            libraries.Where(f => f.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var dll in libraries.Where(f => f.EndsWith(".dll", StringComparison.Ordinal)))
        {
            Assert.Equal($"{id}.dll", Path.GetFileName(dll));
            var xml = Path.ChangeExtension(dll, ".xml");
            Assert.Contains(xml, libraries);
            var docs = XDocument.Parse(ReadEntry(workspace.PackagePath(id), xml));
            Assert.Equal(id, docs.Root!.Element("assembly")!.Element("name")!.Value);
            Assert.NotEmpty(docs.Root.Element("members")!.Elements("member"));
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void NoPackageCarriesTestSampleOrGeneratorProjectCode(string id)
    {
        workspace.RequirePacked();
        var files = Entries(workspace.PackagePath(id)).Concat(Entries(workspace.PackagePath(id, ".snupkg")));
        var allowed = new Regex(
            $@"^(_rels/\.rels|\[Content_Types\]\.xml|package/services/metadata/core-properties/[^/]+\.psmdcp|{Regex.Escape(id)}\.nuspec|README\.md|lib/[^/]+/{Regex.Escape(id)}\.(dll|xml|pdb)" +
            (id == "TypedSockets" ? @"|analyzers/dotnet/cs/TypedSockets\.Generators(\.CodeFixes)?\.dll|build/TypedSockets\.targets|buildTransitive/TypedSockets\.targets" : "") +
            (id == "TypedSockets.Server" ? @"|build/TypedSockets\.Server\.targets|buildTransitive/TypedSockets\.Server\.targets" : "") + ")$");
        Assert.All(files, file => Assert.Matches(allowed, file));
        Assert.DoesNotContain(files, f => f.Contains("Test", StringComparison.OrdinalIgnoreCase) || f.Contains("Chat", StringComparison.Ordinal) || f.Contains("Sample", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TypedSocketsCarriesTheGeneratorAndTheCodeFixesAsAnalyzers()
    {
        workspace.RequirePacked();
        var files = Entries(workspace.PackagePath("TypedSockets"));
        Assert.Equal(
            ["analyzers/dotnet/cs/TypedSockets.Generators.CodeFixes.dll", "analyzers/dotnet/cs/TypedSockets.Generators.dll"],
            files.Where(f => f.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

        // The TypeScript output's targets (docs/typescript.md), for direct and transitive references.
        Assert.Contains("build/TypedSockets.targets", files);
        Assert.Contains("buildTransitive/TypedSockets.targets", files);

        // The generator and code fixes are part of the package, not packages of their own.
        var dependencies = Dependencies("TypedSockets");
        Assert.Empty(dependencies);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void DependenciesChainEachPackageToTheOnesItNeedsAndKeepTheGenerator(string id)
    {
        workspace.RequirePacked();
        var groups = PackagedWorkspace.ReadNuspec(workspace.PackagePath(id))
            .Descendants(PackagedWorkspace.Nuspec("dependencies"))
            .Elements(PackagedWorkspace.Nuspec("group"))
            .ToDictionary(g => NormalizeFramework(g.Attribute("targetFramework")!.Value), g => g);
        Assert.Equal(s_frameworks[id].Order(StringComparer.Ordinal), groups.Keys.Order(StringComparer.Ordinal));
        foreach (var (framework, group) in groups)
        {
            var dependencies = group.Elements(PackagedWorkspace.Nuspec("dependency"))
                .Select(d => (Id: d.Attribute("id")!.Value, Version: d.Attribute("version")!.Value, Exclude: d.Attribute("exclude")?.Value))
                .ToList();
            Assert.Equal(s_dependencies[(id, framework)].Order(StringComparer.Ordinal), dependencies.Select(d => d.Id).Order(StringComparer.Ordinal));
            foreach (var (dependency, version, exclude) in dependencies.Where(d => d.Id.StartsWith("TypedSockets", StringComparison.Ordinal)))
            {
                Assert.Equal(workspace.Version, version);
                // Nothing excluded: the [SocketEvents] generator of TypedSockets reaches projects that reference the server or client only.
                Assert.True(string.IsNullOrEmpty(exclude), $"{id} ({framework}) -> {dependency} excludes {exclude}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SymbolPackagesHoldPortablePdbsWithEmbeddedSources(string id)
    {
        workspace.RequirePacked();
        var pdbPaths = Entries(workspace.PackagePath(id, ".snupkg")).Where(f => f.EndsWith($"/{id}.pdb", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            s_frameworks[id].Select(framework => $"lib/{framework}/{id}.pdb").Order(StringComparer.Ordinal),
            pdbPaths.Order(StringComparer.Ordinal));
        using var zip = ZipFile.OpenRead(workspace.PackagePath(id, ".snupkg"));
        foreach (var pdbPath in pdbPaths)
        {
            using var stream = new MemoryStream();
            using (var entry = zip.GetEntry(pdbPath)!.Open())
            {
                entry.CopyTo(stream);
            }

            stream.Position = 0;
            using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(stream);
            var reader = provider.GetMetadataReader();
            var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
            var documents = reader.Documents.Select(reader.GetDocument).ToList();
            Assert.NotEmpty(documents);
            var embedded = reader.CustomDebugInformation
                .Select(reader.GetCustomDebugInformation)
                .Count(info => reader.GetGuid(info.Kind) == embeddedSource);
            Assert.Equal(documents.Count, embedded);
        }
    }

    /// <summary>The nuspec writes target frameworks as ".NETStandard2.1" / "net10.0"; the table uses the short names.</summary>
    private static string NormalizeFramework(string framework) => framework switch
    {
        ".NETStandard2.1" => "netstandard2.1",
        _ => framework,
    };

    public static TheoryData<string> Ids() => new(PackagedWorkspace.PackageIds);

    private List<(string Id, string Version, string? Exclude)> Dependencies(string id) =>
        PackagedWorkspace.ReadNuspec(workspace.PackagePath(id))
            .Descendants(PackagedWorkspace.Nuspec("dependency"))
            .Select(d => (d.Attribute("id")!.Value, d.Attribute("version")!.Value, d.Attribute("exclude")?.Value))
            .ToList();

    private static string Value(XElement metadata, string name) =>
        metadata.Element(PackagedWorkspace.Nuspec(name))?.Value ?? throw new Xunit.Sdk.XunitException($"The nuspec has no <{name}>.");

    private static List<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    private static string ReadEntry(string package, string path)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.GetEntry(path)?.Open() ?? throw new Xunit.Sdk.XunitException($"{package} has no {path}."));
        return reader.ReadToEnd();
    }
}
