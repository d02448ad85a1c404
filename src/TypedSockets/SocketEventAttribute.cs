namespace TypedSockets;

/// <summary>Overrides the wire name of an event of a <see cref="SocketEventsAttribute"/> interface.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SocketEventAttribute : Attribute
{
    /// <summary>Sends and receives the event as <paramref name="name"/> instead of the camelCase method name.</summary>
    /// <param name="name">The exact, case-sensitive event name on the wire (what the JavaScript side passes to <c>emit</c> and <c>on</c>).</param>
    public SocketEventAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The event name on the wire.</summary>
    public string Name { get; }
}
