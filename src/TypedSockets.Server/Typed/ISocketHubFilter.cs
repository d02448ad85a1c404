namespace TypedSockets.Server;

/// <summary>
/// Runs around every method call of a hub mapped with <c>MapNamespace&lt;THub&gt;</c>, and around its connect and
/// disconnect (as SignalR's <c>IHubFilter</c>): logging, validation, authorization, timing. Register it for every hub
/// with <c>AddTypedSockets(o =&gt; o.AddFilter&lt;T&gt;())</c> or for one hub with
/// <c>MapNamespace&lt;THub&gt;("/chat", o =&gt; o.AddFilter&lt;T&gt;())</c>. Every member has a default that only calls
/// <c>next</c>, so a filter implements what it needs.
/// </summary>
/// <remarks>
/// A filter runs before the event's arguments are bound: <see cref="SocketHubInvocationContext.Arguments"/> reads them
/// on demand, and a binding refusal comes out of <c>next</c> as a <see cref="SocketInvocationException"/> with code
/// <see cref="SocketInvocationException.InvalidArgumentsCode"/>. To refuse a call, throw a
/// <see cref="SocketInvocationException"/>: the caller gets it as the error answer. Returning without calling
/// <c>next</c> skips the method; an acknowledged event is then answered with no arguments.
/// </remarks>
public interface ISocketHubFilter
{
    /// <summary>Wraps one hub method call; call <paramref name="next"/> to run the method (it sends the acknowledgement).</summary>
    ValueTask InvokeMethodAsync(SocketHubInvocationContext context, Func<SocketHubInvocationContext, ValueTask> next) => next(context);

    /// <summary>Wraps <see cref="SocketHub.OnConnectedAsync"/>.</summary>
    ValueTask OnConnectedAsync(SocketHubLifetimeContext context, Func<SocketHubLifetimeContext, ValueTask> next) => next(context);

    /// <summary>Wraps <see cref="SocketHub.OnDisconnectedAsync"/>; <paramref name="reason"/> is why the client disconnected.</summary>
    ValueTask OnDisconnectedAsync(SocketHubLifetimeContext context, string reason, Func<SocketHubLifetimeContext, string, ValueTask> next) => next(context, reason);
}

/// <summary>One hub method call as a <see cref="ISocketHubFilter"/> sees it.</summary>
public sealed class SocketHubInvocationContext
{
    internal SocketHubInvocationContext(SocketHub hub, SocketIOEvent evt)
    {
        Hub = hub;
        Event = evt;
    }

    /// <summary>The hub instance whose method is called.</summary>
    public SocketHub Hub { get; }

    /// <summary>The incoming event: name, raw arguments, whether the caller waits for an acknowledgement.</summary>
    public SocketIOEvent Event { get; }

    /// <summary>The client that sent the event.</summary>
    public SocketIOSocket Socket => Event.Socket;

    /// <summary>The event's wire name.</summary>
    public string EventName => Event.Name;

    /// <summary>The event's arguments, read on demand (<c>Arguments.Get&lt;T&gt;(i)</c>); not bound yet.</summary>
    public Protocol.SocketIO.SocketIOArguments Arguments => Event.Arguments;

    /// <summary>The client's scoped services.</summary>
    public IServiceProvider Services => Event.Socket.Services;
}

/// <summary>A hub's connect or disconnect as a <see cref="ISocketHubFilter"/> sees it.</summary>
public sealed class SocketHubLifetimeContext
{
    internal SocketHubLifetimeContext(SocketHub hub)
    {
        Hub = hub;
    }

    /// <summary>The hub instance.</summary>
    public SocketHub Hub { get; }

    /// <summary>The client the hub serves.</summary>
    public SocketIOSocket Socket => Hub.Socket;

    /// <summary>The client's scoped services.</summary>
    public IServiceProvider Services => Hub.Socket.Services;
}
