namespace TypedSockets;

/// <summary>
/// Pairs the two <see cref="SocketEventsAttribute"/> contracts of one connection, as a hub does with
/// <c>SocketHub&lt;TServer, TClient&gt;</c>, for code generated outside .NET: with the MSBuild property
/// <c>TypedSocketsTypeScriptOutput</c> set, the build writes <c>{Name}ServerToClientEvents</c>,
/// <c>{Name}ClientToServerEvents</c> and <c>{Name}Socket</c> (a socket.io-client <c>Socket</c>) to the TypeScript file.
/// </summary>
/// <example><code>[assembly: SocketContractPair("Chat", typeof(IChatServer), typeof(IChatClient))]</code></example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class SocketContractPairAttribute : Attribute
{
    /// <summary>Pairs <paramref name="server"/> (what clients send) with <paramref name="client"/> (what the server sends).</summary>
    /// <param name="name">The prefix of the generated TypeScript names: a TypeScript identifier such as <c>Chat</c>.</param>
    /// <param name="server">The contract the server implements: the events a client emits.</param>
    /// <param name="client">The contract the client implements: the events a client listens to.</param>
    public SocketContractPairAttribute(string name, Type server, Type client)
    {
        Name = name;
        Server = server;
        Client = client;
    }

    /// <summary>The prefix of the generated TypeScript names.</summary>
    public string Name { get; }

    /// <summary>The contract the server implements (the events a client emits).</summary>
    public Type Server { get; }

    /// <summary>The contract the client implements (the events a client listens to).</summary>
    public Type Client { get; }
}
