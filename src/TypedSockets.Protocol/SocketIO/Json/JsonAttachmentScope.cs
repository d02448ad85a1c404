namespace TypedSockets.Protocol.SocketIO.Json;

/// <summary>
/// The binary attachments of the packet being read or written on this thread. System.Text.Json converters cannot take
/// extra state, so the placeholder converter finds the attachments here while a serializer call runs.
/// </summary>
internal static class JsonAttachmentScope
{
    [ThreadStatic]
    private static IReadOnlyList<byte[]>? t_incoming;

    [ThreadStatic]
    private static List<ReadOnlyMemory<byte>>? t_outgoing;

    public static IReadOnlyList<byte[]>? Incoming => t_incoming;

    public static List<ReadOnlyMemory<byte>>? Outgoing => t_outgoing;

    public static IReadOnlyList<byte[]>? EnterIncoming(IReadOnlyList<byte[]>? attachments)
    {
        var previous = t_incoming;
        t_incoming = attachments;
        return previous;
    }

    public static void ExitIncoming(IReadOnlyList<byte[]>? previous) => t_incoming = previous;

    public static List<ReadOnlyMemory<byte>>? EnterOutgoing(List<ReadOnlyMemory<byte>>? collector)
    {
        var previous = t_outgoing;
        t_outgoing = collector;
        return previous;
    }

    public static void ExitOutgoing(List<ReadOnlyMemory<byte>>? previous) => t_outgoing = previous;
}
