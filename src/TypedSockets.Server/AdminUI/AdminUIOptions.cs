namespace TypedSockets.Server.AdminUI;

/// <summary>Settings of the Admin UI instrumentation (<see cref="AdminUISocketIOServerExtensions.AddAdminUI"/>).</summary>
public sealed class AdminUIOptions
{
    /// <summary>
    /// Required: <see cref="AdminUIAuthentication.Basic"/> or explicitly <see cref="AdminUIAuthentication.None"/>.
    /// Left null, <c>AddAdminUI</c> throws, as the Node instrument refuses to start without an <c>auth</c> option.
    /// </summary>
    public AdminUIAuthentication? Authentication { get; set; }

    /// <summary>
    /// True: the UI can only watch; its commands (emit, join, leave, disconnect) are not offered in <c>config</c> and
    /// are ignored if sent. Default false.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>What is reported; default <see cref="AdminUIMode.Development"/> (as the Node instrument without <c>NODE_ENV</c>).</summary>
    public AdminUIMode Mode { get; set; } = AdminUIMode.Development;

    /// <summary>The namespace the UI connects to; default "/admin" (the UI's own default).</summary>
    public string NamespaceName { get; set; } = "/admin";

    /// <summary>
    /// The name this server has in the UI's server list; default the host name. Give every server of a cluster its own
    /// (two servers with the same id show as one).
    /// </summary>
    public string? ServerId { get; set; }

    /// <summary>How often <c>server_stats</c> is sent; default 2 s (the UI expects about that).</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a login session (the <c>sessionId</c> the UI reconnects with instead of the password) stays valid;
    /// default 24 h. At most <see cref="MaxSessions"/> are kept; the oldest go first.
    /// </summary>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many login sessions are kept at most (default 1000).</summary>
    public int MaxSessions { get; set; } = 1000;

    /// <summary>The clock of timestamps, statistics and session expiry (tests use a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
