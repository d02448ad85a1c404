namespace TypedSockets.Server.AdminUI;

/// <summary>How much the Admin UI instrumentation reports (the Node instrument's <c>mode</c> option).</summary>
public enum AdminUIMode
{
    /// <summary>
    /// Everything: the socket list on connect (<c>all_sockets</c>), live socket and room events, and every event each
    /// socket receives and sends (<c>event_received</c>/<c>event_sent</c>, with their arguments).
    /// </summary>
    Development,

    /// <summary>
    /// Server statistics and aggregated counts only: no socket list, no per-socket events, no event arguments. Costs
    /// less and shows no application data; the Node instrument's default when <c>NODE_ENV=production</c>.
    /// </summary>
    Production,
}
