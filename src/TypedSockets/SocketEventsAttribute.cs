namespace TypedSockets;

/// <summary>
/// Marks an interface as a Socket.IO event contract. The TypedSockets source generator turns it into an emitter
/// (implements the interface and sends each call as an event), broadcast extension methods on
/// <see cref="SocketTargets{TClient}"/> and a dispatcher that routes incoming events to an implementation.
/// </summary>
/// <remarks>
/// Each method is one event: its wire name is the camelCase method name unless <see cref="SocketEventAttribute"/> says
/// otherwise; its parameters are the arguments in order (a trailing <see cref="CancellationToken"/> is not sent).
/// <c>void</c>, <c>Task</c> and <c>ValueTask</c> methods expect no acknowledgement; <c>Task&lt;T&gt;</c> and
/// <c>ValueTask&lt;T&gt;</c> methods wait for the peer's acknowledgement and return its first argument.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class SocketEventsAttribute : Attribute
{
}
