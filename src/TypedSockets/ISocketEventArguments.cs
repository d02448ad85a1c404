namespace TypedSockets;

/// <summary>The arguments of an incoming event or acknowledgement, read on demand as a given type.</summary>
public interface ISocketEventArguments
{
    /// <summary>How many arguments arrived.</summary>
    int Count { get; }

    /// <summary>Reads argument <paramref name="index"/> as <typeparamref name="T"/> with the parser's serializer.</summary>
    T? Get<T>(int index);
}
