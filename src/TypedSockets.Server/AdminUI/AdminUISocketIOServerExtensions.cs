using TypedSockets.Server.AdminUI;

namespace TypedSockets.Server;

/// <summary>Turns on the Socket.IO Admin UI instrumentation (https://admin.socket.io, <c>@socket.io/admin-ui</c> 0.5).</summary>
public static class AdminUISocketIOServerExtensions
{
    /// <summary>
    /// Lets the Socket.IO Admin UI watch and control this server, as the Node <c>instrument(io, options)</c> does: the
    /// UI connects to the admin namespace (default "/admin") of this endpoint. Call it once, in <c>MapSocketIO</c>'s
    /// callback. <paramref name="configure"/> must choose the authentication (<see cref="AdminUIOptions.Authentication"/>).
    /// With a cluster adapter (Redis), call it on every server: each one's statistics and events reach the UI through
    /// the adapter, and the UI's socket list and commands span the cluster. See docs/admin-ui.md.
    /// </summary>
    /// <exception cref="InvalidOperationException">No authentication was chosen, or the instrumentation is already on.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static SocketIOServer AddAdminUI(this SocketIOServer server, Action<AdminUIOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AdminUIOptions();
        configure(options);
        AdminUIInstrumentation.Install(server, options);
        return server;
    }
}
