namespace TypedSockets.Fuzz;

/// <summary>
/// One decoder under test. <see cref="Execute"/> runs one input and returns a short label of what happened (the packet
/// shape, or the rejection message with its numbers removed); the runner keeps inputs whose label is new. An input that
/// breaks the decoder's contract ends in an exception other than the documented one (escaping <see cref="Execute"/>), or
/// in a <see cref="FuzzPropertyException"/> when a property such as the round trip does not hold.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The name used on the command line and as the folder of its regression inputs.</summary>
    public abstract string Name { get; }

    /// <summary>What the target feeds its input to, in one line.</summary>
    public abstract string Description { get; }

    /// <summary>The valid (and a few invalid) inputs the mutations start from.</summary>
    public abstract IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>Fragments of the format the mutator inserts (keywords, delimiters, headers).</summary>
    public virtual IReadOnlyList<byte[]> Tokens => [];

    /// <summary>Runs one input: decodes it, checks its properties, and returns the outcome label.</summary>
    public abstract string Execute(byte[] input);

    /// <summary>An outcome label for a rejection: the message with digits removed, so offsets and lengths do not count as new.</summary>
    protected static string Rejected(Exception e)
    {
        var message = e.Message;
        var chars = new char[Math.Min(message.Length, 80)];
        var n = 0;
        foreach (var c in message)
        {
            if (n == chars.Length)
            {
                break;
            }

            if (!char.IsAsciiDigit(c))
            {
                chars[n++] = c;
            }
        }

        return "rejected: " + new string(chars, 0, n);
    }

    /// <summary>Throws <see cref="FuzzPropertyException"/> when <paramref name="condition"/> is false.</summary>
    protected static void Check(bool condition, string property)
    {
        if (!condition)
        {
            throw new FuzzPropertyException(property);
        }
    }
}

/// <summary>A property of a target (such as decode-encode-decode giving the same packet) did not hold for an input.</summary>
public sealed class FuzzPropertyException(string message) : Exception(message);
