using System.Buffers;

namespace TypedSockets.Server.EngineIO;

/// <summary>
/// The layer above Engine.IO (Socket.IO, or an application using <c>MapEngineIO</c> directly).
/// The engine calls these methods one at a time per connection, in order, never concurrently for the same connection.
/// </summary>
public interface IEngineConnectionHandler
{
    /// <summary>A session was opened (handshake sent). Called before any message of that session.</summary>
    void OnOpen(EngineConnection connection);

    /// <summary>
    /// A message arrived. <paramref name="data"/> is only valid during the call: copy what must outlive it.
    /// Throwing <see cref="InvalidDataException"/> closes the session with reason "parse error".
    /// </summary>
    void OnMessage(EngineConnection connection, in ReadOnlySequence<byte> data, bool isBinary);

    /// <summary>The session closed; called exactly once per opened session. No message follows.</summary>
    void OnClose(EngineConnection connection, string reason, Exception? error);
}
