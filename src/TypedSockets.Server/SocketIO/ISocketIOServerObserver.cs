using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server;

/// <summary>
/// Internal hooks into a <see cref="SocketIOServer"/>'s lifecycle for instrumentation (the Admin UI). Null on the server
/// when nothing observes it, so the hooks cost one null check. Called on the thread that raises the event; an
/// implementation must be thread safe, must not block and must not throw.
/// </summary>
internal interface ISocketIOServerObserver
{
    /// <summary>An Engine.IO session opened.</summary>
    void ConnectionOpened(EngineConnection connection);

    /// <summary>An Engine.IO session closed with <paramref name="reason"/>.</summary>
    void ConnectionClosed(EngineConnection connection, string reason);

    /// <summary>A namespace (static, dynamic parent or child) was created after the observer was installed.</summary>
    void NamespaceCreated(SocketIONamespace nsp);

    /// <summary>A socket joined its namespace (its CONNECT reply is sent), before the namespace's connection handlers run.</summary>
    void SocketConnected(SocketIOSocket socket);
}
