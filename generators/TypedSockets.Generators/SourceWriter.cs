using System;
using System.Text;

namespace TypedSockets.Generators;

/// <summary>A minimal indented text writer for generated source (no SyntaxFactory, no NormalizeWhitespace).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    public void WriteLine() => _builder.Append('\n');

    public void OpenBlock(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indent++;
    }

    public void CloseBlock(string suffix = "")
    {
        if (_indent == 0)
        {
            throw new InvalidOperationException("No block is open.");
        }

        _indent--;
        WriteLine("}" + suffix);
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    public override string ToString() => _builder.ToString();
}
