using System.Globalization;
using System.Security.Cryptography;
using TypedSockets.Fuzz;

// dotnet run -c Release --project tests/TypedSockets.Fuzz -- <command>
//   list                                    the targets
//   run <target|all> [--iterations N] [--minutes M] [--seed S] [--findings DIR] [--trace-from N]
//   replay <target> <file or folder>...    runs kept inputs and prints each outcome (or the failure)
// Exit code 1 when a run found a failure or a replayed input failed.
var command = args.Length > 0 ? args[0] : "list";
switch (command)
{
    case "list":
        foreach (var target in FuzzTargets.All())
        {
            Console.WriteLine($"{target.Name,-18} {target.Description} ({target.Seeds.Count} seeds)");
        }

        return 0;
    case "run" when args.Length >= 2:
        return Run(args[1], args[2..]);
    case "replay" when args.Length >= 3:
        return Replay(FuzzTargets.Get(args[1]), args[2..]);
    default:
        Console.Error.WriteLine("usage: list | run <target|all> [--iterations N] [--minutes M] [--seed S] [--findings DIR] [--trace-from N] | replay <target> <path>...");
        return 2;
}

static int Run(string name, string[] options)
{
    long iterations = long.Parse(Option(options, "--iterations") ?? "100000", CultureInfo.InvariantCulture);
    TimeSpan? duration = Option(options, "--minutes") is { } minutes ? TimeSpan.FromMinutes(double.Parse(minutes, CultureInfo.InvariantCulture)) : null;
    var seed = int.Parse(Option(options, "--seed") ?? "1", CultureInfo.InvariantCulture);
    var findings = Option(options, "--findings") ?? "findings";
    var traceFrom = long.Parse(Option(options, "--trace-from") ?? long.MaxValue.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    var targets = name == "all" ? FuzzTargets.All() : [FuzzTargets.Get(name)];
    var failed = false;
    foreach (var target in targets)
    {
        Directory.CreateDirectory(Path.Combine(findings, target.Name));
        var runner = new FuzzRunner(target, seed)
        {
            TraceFrom = traceFrom,
            TracePath = Path.Combine(findings, target.Name, "current-input.bin"),
            Progress = (inputs, elapsed, failures) =>
                Console.WriteLine($"  {target.Name}: {inputs:N0} inputs in {elapsed.TotalSeconds:F0} s ({inputs / elapsed.TotalSeconds:N0}/s), {failures} failure(s)"),
        };
        var result = runner.Run(iterations, duration);
        Console.WriteLine(
            $"target={result.Target} seed={seed} inputs={result.Inputs} seconds={result.Elapsed.TotalSeconds:F1} rate={result.Rate:F0}/s " +
            $"outcomes={result.Outcomes} corpus={result.CorpusSize} failures={result.Failures.Count} distinct={result.Failures.Select(f => f.Signature).Distinct().Count()}");
        foreach (var failure in result.Failures)
        {
            failed = true;
            var id = Convert.ToHexString(SHA256.HashData(failure.Input))[..16].ToLowerInvariant();
            var path = Path.Combine(findings, target.Name, id);
            File.WriteAllBytes(path + ".bin", failure.Input);
            File.WriteAllText(path + ".txt", failure.Exception.ToString());
            Console.WriteLine($"  FAILURE {failure.Signature}\n    input {path}.bin: {Convert.ToHexString(failure.Input.AsSpan(0, Math.Min(64, failure.Input.Length)))}");
        }
    }

    return failed ? 1 : 0;
}

static int Replay(FuzzTarget target, string[] paths)
{
    var failed = false;
    foreach (var path in paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal).ToArray() : [p]))
    {
        try
        {
            Console.WriteLine($"{path}: {target.Execute(File.ReadAllBytes(path))}");
        }
        catch (Exception e)
        {
            failed = true;
            Console.WriteLine($"{path}: FAILURE {e}");
        }
    }

    return failed ? 1 : 0;
}

static string? Option(string[] options, string name)
{
    var i = Array.IndexOf(options, name);
    return i >= 0 && i + 1 < options.Length ? options[i + 1] : null;
}
