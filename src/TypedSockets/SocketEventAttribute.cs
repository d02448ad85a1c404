namespace TypedSockets;

/// <summary>Overrides the wire name of an event of a <see cref="SocketEventsAttribute"/> interface.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SocketEventAttribute : Attribute
{
    public SocketEventAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The event name on the wire.</summary>
    public string Name { get; }
}
