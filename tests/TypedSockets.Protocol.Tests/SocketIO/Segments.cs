using System.Buffers;

namespace TypedSockets.Protocol.Tests.SocketIO;

/// <summary>Builds multi-segment sequences so every parse also runs on input split into 1-byte pieces.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] data, int segmentSize)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        for (var i = 0; i < data.Length; i += segmentSize)
        {
            var chunk = data.AsMemory(i, Math.Min(segmentSize, data.Length - i));
            var segment = new Segment(chunk);
            if (first is null)
            {
                first = segment;
            }
            else
            {
                last!.Append(segment);
            }

            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public void Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
        }
    }
}
