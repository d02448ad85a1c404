namespace TypedSockets.Fuzz.Targets;

/// <summary>
/// How a Socket.IO decoder target reads one fuzz input as the Engine.IO messages of a connection: messages are joined by
/// <c>\x1e</c>; a message starting with <c>\x01</c> is binary (the rest), any other is text.
/// </summary>
internal static class MessageSequence
{
    public const byte Separator = 0x1e;
    public const byte BinaryMark = 0x01;

    public static List<(byte[] Data, bool IsBinary)> Split(byte[] input)
    {
        var messages = new List<(byte[], bool)>();
        var span = input.AsSpan();
        while (true)
        {
            var end = span.IndexOf(Separator);
            var part = end < 0 ? span : span[..end];
            messages.Add(part.Length > 0 && part[0] == BinaryMark ? (part[1..].ToArray(), true) : (part.ToArray(), false));
            if (end < 0)
            {
                return messages;
            }

            span = span[(end + 1)..];
        }
    }

    public static byte[] Join(IEnumerable<(byte[] Data, bool IsBinary)> messages)
    {
        var output = new List<byte>();
        foreach (var (data, isBinary) in messages)
        {
            if (output.Count > 0)
            {
                output.Add(Separator);
            }

            if (isBinary)
            {
                output.Add(BinaryMark);
            }

            output.AddRange(data);
        }

        return [.. output];
    }
}
