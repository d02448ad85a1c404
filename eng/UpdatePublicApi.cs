#:property PublishAot=false
// Regenerates the PublicAPI.Unshipped.txt files of the src/ packages from what the code declares now.
// Run it through eng/update-public-api.sh after an intended public API change (see that script).
//
// How: every Unshipped file is reset to its header, each src project is built once with RS0016/RS0017 as warnings and
// the compiler's diagnostics written as SARIF (PublicApiErrorLogDir, src/Directory.Build.props), and the exact API
// lines the analyzer reports (its "APIName" property) become the new Unshipped files:
//   - RS0016 (public, not declared)          -> the line, in PublicAPI.Unshipped.txt
//   - RS0017 (declared as shipped, now gone) -> *REMOVED*<line>, in PublicAPI.Unshipped.txt
// Lines reported on every target framework of a project go to its shared files; lines reported on some target
// frameworks only go to PublicAPI/<tfm>/PublicAPI.Unshipped.txt (read only by that framework's build).
// Shipped files are never edited: moving Unshipped lines to Shipped is the release step.
using System.Diagnostics;
using System.Text;
using System.Text.Json;

const string Header = "#nullable enable";
var repo = Path.GetFullPath(args.Length > 0 ? args[0] : Directory.GetCurrentDirectory());
var projects = Directory.GetDirectories(Path.Combine(repo, "src"))
    .Select(dir => Path.Combine(dir, Path.GetFileName(dir) + ".csproj"))
    .Where(File.Exists)
    .OrderBy(p => p, StringComparer.Ordinal)
    .ToList();
if (projects.Count == 0)
{
    return Fail($"no src/<Name>/<Name>.csproj under {repo}");
}

var logDir = Directory.CreateTempSubdirectory("typedsockets-public-api-").FullName;
try
{
    var frameworks = new Dictionary<string, string[]>();
    foreach (var project in projects)
    {
        frameworks[project] = TargetFrameworks(project);
        var dir = Path.GetDirectoryName(project)!;
        WriteApiFile(Path.Combine(dir, "PublicAPI.Unshipped.txt"), []);
        foreach (var tfm in frameworks[project])
        {
            var perFramework = Path.Combine(dir, "PublicAPI", tfm, "PublicAPI.Unshipped.txt");
            if (File.Exists(perFramework))
            {
                WriteApiFile(perFramework, []);
            }
        }
    }

    // One build of the src projects (a solution filter), showing errors only (its RS0016 warnings are what is being
    // collected). Every project compiles again: its Unshipped file, an input of the compiler, was just rewritten.
    var filter = Path.Combine(logDir, "src.slnf");
    File.WriteAllText(filter, JsonSerializer.Serialize(new
    {
        solution = new { path = Path.Combine(repo, "TypedSockets.sln"), projects = projects.Select(p => Path.GetRelativePath(repo, p).Replace('\\', '/')).ToArray() },
    }));
    Run("dotnet", ["build", filter, "-nologo", "-v", "q", "-clp:ErrorsOnly", "-p:TreatWarningsAsErrors=false", "-p:WarningsAsErrors=", "-p:PublicApiErrorLogDir=" + logDir]);

    foreach (var project in projects)
    {
        var name = Path.GetFileNameWithoutExtension(project);
        var dir = Path.GetDirectoryName(project)!;
        var perFramework = new Dictionary<string, SortedSet<string>>();
        foreach (var tfm in frameworks[project])
        {
            var log = Path.Combine(logDir, $"{name}.{tfm}.sarif");
            if (!File.Exists(log))
            {
                return Fail($"{name} ({tfm}) wrote no diagnostics log {log}: did it compile? See the build output above.");
            }

            perFramework[tfm] = ReadApiLines(log);
        }

        var shared = new SortedSet<string>(perFramework.Values.First(), StringComparer.Ordinal);
        foreach (var lines in perFramework.Values.Skip(1))
        {
            shared.IntersectWith(lines);
        }

        WriteApiFile(Path.Combine(dir, "PublicAPI.Unshipped.txt"), shared);
        Console.WriteLine($"{name}: {shared.Count} unshipped line(s) for all target frameworks");
        foreach (var (tfm, lines) in perFramework)
        {
            var only = lines.Where(l => !shared.Contains(l)).ToList();
            var file = Path.Combine(dir, "PublicAPI", tfm, "PublicAPI.Unshipped.txt");
            if (only.Count == 0 && !File.Exists(file))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            WriteApiFile(file, only);
            var shipped = Path.Combine(dir, "PublicAPI", tfm, "PublicAPI.Shipped.txt");
            if (!File.Exists(shipped))
            {
                WriteApiFile(shipped, []);
            }

            Console.WriteLine($"{name}: {only.Count} unshipped line(s) for {tfm} only");
        }
    }

    // The proof: a normal build (RS0016/RS0017 are errors) must now pass.
    Run("dotnet", ["build", filter, "-nologo", "-v", "q"]);

    Console.WriteLine("Public API files are up to date; review the diff of PublicAPI*.txt before committing.");
    return 0;
}
finally
{
    Directory.Delete(logDir, recursive: true);
}

static SortedSet<string> ReadApiLines(string sarifPath)
{
    var lines = new SortedSet<string>(StringComparer.Ordinal);
    using var sarif = JsonDocument.Parse(File.ReadAllBytes(sarifPath));
    foreach (var run in sarif.RootElement.GetProperty("runs").EnumerateArray())
    {
        if (!run.TryGetProperty("results", out var results))
        {
            continue;
        }

        foreach (var result in results.EnumerateArray())
        {
            var rule = result.GetProperty("ruleId").GetString();
            if (rule is not ("RS0016" or "RS0017"))
            {
                continue;
            }

            var api = ApiName(result)
                ?? throw new InvalidOperationException($"{rule} without an API name in {sarifPath}: {result}");
            lines.Add(rule == "RS0017" ? "*REMOVED*" + api : api);
        }
    }

    return lines;
}

// The analyzer puts the exact file line in the diagnostic's "APIName" property; the message quotes it too.
static string? ApiName(JsonElement result)
{
    if (result.TryGetProperty("properties", out var properties)
        && properties.TryGetProperty("customProperties", out var custom)
        && custom.TryGetProperty("APIName", out var apiName)
        && apiName.GetString() is { Length: > 0 } name)
    {
        return name;
    }

    var message = result.GetProperty("message").GetProperty("text").GetString() ?? "";
    var start = message.IndexOf('\'');
    var end = message.LastIndexOf('\'');
    return start >= 0 && end > start ? message[(start + 1)..end] : null;
}

static void WriteApiFile(string path, IEnumerable<string> lines)
{
    var text = new StringBuilder(Header).Append('\n');
    foreach (var line in lines)
    {
        text.Append(line).Append('\n');
    }

    File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
}

static string[] TargetFrameworks(string project)
{
    var json = Capture("dotnet", ["msbuild", project, "-nologo", "-getProperty:TargetFrameworks", "-getProperty:TargetFramework"]);
    using var doc = JsonDocument.Parse(json);
    var props = doc.RootElement.GetProperty("Properties");
    var many = props.GetProperty("TargetFrameworks").GetString();
    var one = props.GetProperty("TargetFramework").GetString();
    var list = (string.IsNullOrWhiteSpace(many) ? one ?? "" : many)
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    return list.Length > 0 ? list : throw new InvalidOperationException($"{project} names no target framework");
}

static void Run(string file, string[] arguments)
{
    using var process = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false })!;
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited with {process.ExitCode}");
    }
}

static string Capture(string file, string[] arguments)
{
    using var process = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardOutput = true })!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    return process.ExitCode == 0
        ? output
        : throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {output}");
}

static int Fail(string message)
{
    Console.Error.WriteLine("update-public-api: " + message);
    return 1;
}
