namespace TypedSockets.LoadTest.Reporting;

/// <summary>Replaces one "## " section of a shared Markdown document, keeping every other section as it is.</summary>
public static class MarkdownSections
{
    public const string DocumentTitle = "# Benchmarks";

    public static void Replace(string path, string heading, string section)
    {
        var text = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : DocumentTitle + "\n";
        File.WriteAllText(path, ReplaceIn(text, heading, section));
    }

    /// <summary>The section runs from its heading line to the next line starting with "## " (or the end).</summary>
    public static string ReplaceIn(string text, string heading, string section)
    {
        section = section.TrimEnd('\n') + "\n";
        var lines = text.Split('\n').ToList();
        var start = lines.FindIndex(l => l.TrimEnd() == heading);
        if (start < 0)
        {
            return text.TrimEnd('\n') + "\n\n" + section;
        }

        var end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        var before = string.Join('\n', lines.Take(start));
        var after = end < 0 ? string.Empty : string.Join('\n', lines.Skip(end));
        return (before.Length > 0 ? before.TrimEnd('\n') + "\n\n" : string.Empty) + section + (after.Length > 0 ? "\n" + after : string.Empty);
    }
}
