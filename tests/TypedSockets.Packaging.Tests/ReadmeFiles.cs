using System.Text.RegularExpressions;

namespace TypedSockets.Packaging.Tests;

/// <summary>
/// The files README.md's Install section shows: each fenced code block right after a
/// <c>&lt;!-- file: relative/path --&gt;</c> line. The tests build exactly these, so the README cannot drift.
/// </summary>
public static partial class ReadmeFiles
{
    [GeneratedRegex(@"^<!-- file: (?<path>\S+) -->\r?\n```[a-z]*\r?\n(?<code>.*?)^```\s*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FileBlock();

    /// <summary>Relative path -> content (with a final newline), in README order.</summary>
    public static IReadOnlyDictionary<string, string> Read(string readmePath)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in FileBlock().Matches(File.ReadAllText(readmePath)))
        {
            var path = match.Groups["path"].Value;
            if (!files.TryAdd(path, match.Groups["code"].Value.ReplaceLineEndings("\n")))
            {
                throw new InvalidOperationException($"{readmePath} shows {path} twice.");
            }
        }

        return files;
    }
}
