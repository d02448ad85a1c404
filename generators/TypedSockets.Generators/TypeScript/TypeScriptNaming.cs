using System;
using System.Globalization;
using System.Text;

namespace TypedSockets.Generators.TypeScript;

/// <summary>
/// Property naming as System.Text.Json's <c>JsonNamingPolicy</c> does it, chosen with the MSBuild property
/// <c>TypedSocketsJsonNamingPolicy</c>; and TypeScript identifier helpers.
/// </summary>
internal static class TypeScriptNaming
{
    public const string CamelCase = "CamelCase";
    public const string None = "None";
    public const string SnakeCaseLower = "SnakeCaseLower";
    public const string SnakeCaseUpper = "SnakeCaseUpper";
    public const string KebabCaseLower = "KebabCaseLower";
    public const string KebabCaseUpper = "KebabCaseUpper";

    /// <summary>The policy names the MSBuild property accepts (JsonNamingPolicy's property names; None keeps C# names).</summary>
    public static readonly string[] Policies = [CamelCase, None, SnakeCaseLower, SnakeCaseUpper, KebabCaseLower, KebabCaseUpper];

    private static readonly string[] s_reserved =
    [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
        "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
        "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
        "implements", "interface", "let", "package", "private", "protected", "public", "static", "yield", "await", "arguments", "eval",
    ];

    /// <summary>The policy named <paramref name="value"/> (case-insensitive, '-' and '_' ignored), or null when there is none.</summary>
    public static string? ParsePolicy(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return CamelCase;
        }

        var normalized = value!.Replace("-", string.Empty).Replace("_", string.Empty).Trim();
        foreach (var policy in Policies)
        {
            if (string.Equals(policy, normalized, StringComparison.OrdinalIgnoreCase))
            {
                return policy;
            }
        }

        return null;
    }

    public static string Apply(string policy, string name) => policy switch
    {
        CamelCase => Parser.ToCamelCase(name),
        SnakeCaseLower => Separate('_', lowercase: true, name),
        SnakeCaseUpper => Separate('_', lowercase: false, name),
        KebabCaseLower => Separate('-', lowercase: true, name),
        KebabCaseUpper => Separate('-', lowercase: false, name),
        _ => name,
    };

    /// <summary>System.Text.Json's JsonSeparatorNamingPolicy: "XMLReader" → "xml_reader", "SHA512Hash" → "sha512_hash".</summary>
    private static string Separate(char separator, bool lowercase, string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        var state = State.NotStarted;
        for (var i = 0; i < name.Length; i++)
        {
            var current = name[i];
            switch (char.GetUnicodeCategory(current))
            {
                case UnicodeCategory.UppercaseLetter:
                    if (state is State.LowercaseOrDigit or State.Space
                        || (state == State.Uppercase && i + 1 < name.Length && char.IsLower(name[i + 1])))
                    {
                        builder.Append(separator);
                    }

                    builder.Append(lowercase ? char.ToLowerInvariant(current) : current);
                    state = State.Uppercase;
                    break;
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.DecimalDigitNumber:
                    if (state == State.Space)
                    {
                        builder.Append(separator);
                    }

                    builder.Append(!lowercase && char.IsLower(current) ? char.ToUpperInvariant(current) : current);
                    state = State.LowercaseOrDigit;
                    break;
                case UnicodeCategory.SpaceSeparator:
                    if (state != State.NotStarted)
                    {
                        state = State.Space;
                    }

                    break;
                default:
                    builder.Append(current);
                    state = State.NotStarted;
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>True when <paramref name="name"/> can be written unquoted as a property name or declared as a type.</summary>
    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_' || c == '$'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A parameter name that TypeScript accepts: reserved words get a trailing '_'.</summary>
    public static string ParameterName(string name) => Array.IndexOf(s_reserved, name) >= 0 || !IsIdentifier(name) ? name + "_" : name;

    /// <summary>A property key: bare when it is an identifier, else a string literal.</summary>
    public static string PropertyKey(string name) => IsIdentifier(name) ? name : Quote(name);

    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    private enum State
    {
        NotStarted,
        Uppercase,
        LowercaseOrDigit,
        Space,
    }
}
