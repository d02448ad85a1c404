using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using TypedSockets.Protocol.SocketIO;
using TypedSockets.Protocol.SocketIO.Json;

namespace TypedSockets.Client;

/// <summary>
/// Client settings. Defaults are socket.io-client 4.8's. A manager copies the options when it is created, so changing
/// an instance afterwards does not affect it.
/// </summary>
public sealed class SocketIOClientOptions
{
    /// <summary>The server's path, default "/socket.io".</summary>
    public string Path { get; set; } = "/socket.io";

    /// <summary>The transports to use. Default: polling, upgraded to WebSocket.</summary>
    public SocketIOTransports Transports { get; set; } = SocketIOTransports.All;

    /// <summary>Whether a polling session upgrades to WebSocket when both are allowed. Default true.</summary>
    public bool Upgrade { get; set; } = true;

    /// <summary>Extra query parameters sent with every Engine.IO request.</summary>
    public IDictionary<string, string> Query { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra headers sent with every HTTP request and the WebSocket handshake.</summary>
    public IDictionary<string, string> ExtraHeaders { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Cookies received and sent by every request (sticky-session load balancers rely on them). Default: a new
    /// container per manager.
    /// </summary>
    public CookieContainer? Cookies { get; set; }

    /// <summary>The auth payload of every namespace CONNECT. Ignored when <see cref="AuthProvider"/> is set.</summary>
    public object? Auth { get; set; }

    /// <summary>Computes the auth payload before every CONNECT (first connection and each reconnection).</summary>
    public Func<CancellationToken, ValueTask<object?>>? AuthProvider { get; set; }

    /// <summary>The packet format; it must match the server's. Default: the JSON parser (npm socket.io-parser).</summary>
    public SocketIOParser Parser { get; set; } = JsonSocketIOParser.Default;

    /// <summary>Most binary attachments an incoming packet may announce. Default 10.</summary>
    public int MaxAttachments { get; set; } = SocketIODecoder.DefaultMaxAttachments;

    /// <summary>Whether the manager reconnects after a lost connection. Default true.</summary>
    public bool Reconnection { get; set; } = true;

    /// <summary>How many reconnection attempts are made before giving up. Default: unlimited.</summary>
    public int ReconnectionAttempts { get; set; } = int.MaxValue;

    /// <summary>The first reconnection delay; each attempt doubles it. Default 1 s.</summary>
    public TimeSpan ReconnectionDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnection delay. Default 5 s.</summary>
    public TimeSpan ReconnectionDelayMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Jitter: each delay moves by up to this fraction of itself, up or down. 0 to 1, default 0.5.</summary>
    public double RandomizationFactor { get; set; } = 0.5;

    /// <summary>How long opening the Engine.IO connection may take. Default 20 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The timeout of acks awaited without an explicit one (typed <c>Task&lt;T&gt;</c> calls on an emitter included): then
    /// the call fails with <see cref="SocketIOAckTimeoutException"/>. Default 30 s (as the server's
    /// <c>DefaultAckTimeout</c>); null or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits until the socket
    /// disconnects.
    /// </summary>
    public TimeSpan? AckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When above 0, every non-volatile emit is queued, sent with an ack id one at a time, and re-sent up to this
    /// many times when its ack does not come within <see cref="AckTimeout"/> (at-least-once delivery). The server must
    /// acknowledge every event. Default 0.
    /// </summary>
    public int Retries { get; set; }

    /// <summary>Most packets kept while disconnected; past it, emits are refused. Default 1,000.</summary>
    public int MaxBufferedPackets { get; set; } = 1_000;

    /// <summary>A new manager (and Engine.IO connection) for every socket made by <see cref="SocketIOManager.Socket(Uri, SocketIOClientOptions?)"/>.</summary>
    public bool ForceNew { get; set; }

    /// <summary>Whether <see cref="SocketIOManager.Socket(Uri, SocketIOClientOptions?)"/> shares managers; false is ForceNew. Default true.</summary>
    public bool Multiplex { get; set; } = true;

    /// <summary>Diagnostics. Default: none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Makes the handler of the manager's HttpClient (polling). Default: a SocketsHttpHandler (netstandard2.1: an HttpClientHandler) with <see cref="Cookies"/>.</summary>
    public Func<HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    /// <summary>Adjusts each ClientWebSocket before it connects (proxy, certificates, sub-protocols...).</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    /// <summary>
    /// Limits of the typed streams of each socket: the credit window per stream and the number of open streams
    /// (docs/streaming.md).
    /// </summary>
    public TypedSockets.Streaming.SocketStreamOptions Streams { get; set; } = new();

    /// <summary>The clock of reconnection delays, heartbeats and ack timeouts. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The random source of the reconnection jitter (values in [0, 1)); tests make it deterministic.</summary>
    internal Func<double>? Random { get; set; }

    /// <summary>A copy (collections copied too).</summary>
    public SocketIOClientOptions Clone()
    {
        var copy = (SocketIOClientOptions)MemberwiseClone();
        copy.Query = new Dictionary<string, string>(Query, StringComparer.Ordinal);
        copy.ExtraHeaders = new Dictionary<string, string>(ExtraHeaders, StringComparer.OrdinalIgnoreCase);
        return copy;
    }

    internal void Validate()
    {
        if ((Transports & SocketIOTransports.All) == 0)
        {
            throw new ArgumentException("At least one transport is needed.", nameof(Transports));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(ReconnectionAttempts);
        ArgumentOutOfRangeException.ThrowIfNegative(Retries);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBufferedPackets);
        if (RandomizationFactor is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RandomizationFactor), RandomizationFactor, "The randomization factor must be between 0 and 1.");
        }

        ArgumentNullException.ThrowIfNull(Parser);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
