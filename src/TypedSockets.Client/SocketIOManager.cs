using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedSockets.Client.Engine;
using TypedSockets.Client.Reconnection;
using TypedSockets.Protocol.SocketIO;

namespace TypedSockets.Client;

/// <summary>
/// One Engine.IO connection to a server and the namespaces multiplexed over it (socket.io-client's Manager): opens the
/// connection when a socket connects, reconnects with exponential backoff after a loss, and closes it when the last
/// socket disconnects. Thread safe.
/// </summary>
public sealed class SocketIOManager : IAsyncDisposable, IEngineClientHandler
{
    private static readonly Lock s_sharedGate = new();
    private static readonly Dictionary<string, SocketIOManager> s_shared = new(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, SocketIOClientSocket> _sockets = new(StringComparer.Ordinal);
    private readonly HashSet<SocketIOClientSocket> _active = [];
    private readonly EngineUri _uris;
    private readonly HttpClient _http;
    private readonly CookieContainer _cookies;
    private readonly ReconnectionBackoff _backoff;
    private readonly CancellationTokenSource _disposing = new();
    private readonly ILogger _logger;
    private SocketIODecoder _decoder;
    private EngineClientConnection? _engine;
    private EngineClientConnection? _pendingEngine;
    private bool _opening;
    private bool _reconnecting;
    private bool _skipReconnect;
    private bool _disposed;
    private string? _sharedKey;

    /// <summary>A manager for the server at <paramref name="uri"/> (its path is ignored: namespaces are given to <see cref="Socket(string)"/>).</summary>
    public SocketIOManager(Uri uri, SocketIOClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        Options = (options ?? new SocketIOClientOptions()).Clone();
        Options.Validate();
        Uri = uri;
        _uris = new EngineUri(uri, Options.Path, Options.Query);
        _cookies = Options.Cookies ?? new CookieContainer();
#if NET
        var handler = Options.HttpMessageHandlerFactory?.Invoke() ?? new SocketsHttpHandler
        {
            CookieContainer = _cookies,
            UseCookies = true,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = Options.Timeout,
        };
#else
        // netstandard2.1 has no SocketsHttpHandler; the open as a whole is still bounded by Options.Timeout.
        var handler = Options.HttpMessageHandlerFactory?.Invoke() ?? new HttpClientHandler
        {
            CookieContainer = _cookies,
            UseCookies = true,
        };
#endif
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        foreach (var (name, value) in Options.ExtraHeaders)
        {
            _http.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        _backoff = new ReconnectionBackoff(Options.ReconnectionDelay, Options.ReconnectionDelayMax, Options.RandomizationFactor, Options.Random);
        _logger = Options.LoggerFactory?.CreateLogger("TypedSockets.Client") ?? NullLogger.Instance;
        _decoder = Options.Parser.CreateDecoder(Options.MaxAttachments);
    }

    /// <summary>The server.</summary>
    public Uri Uri { get; }

    /// <summary>The manager's own copy of the options.</summary>
    public SocketIOClientOptions Options { get; }

    /// <summary>True while the Engine.IO connection is open.</summary>
    public bool IsOpen => Volatile.Read(ref _engine) is { IsClosed: false };

    /// <summary>True while waiting for or making a reconnection attempt.</summary>
    public bool IsReconnecting
    {
        get
        {
            lock (_gate)
            {
                return _reconnecting;
            }
        }
    }

    /// <summary>The current transport ("polling" or "websocket"), or null when closed.</summary>
    public string? Transport => Volatile.Read(ref _engine)?.TransportName;

    /// <summary>The Engine.IO session id, or null when closed.</summary>
    public string? EngineId => Volatile.Read(ref _engine)?.Handshake?.Sid;

    /// <summary>The Engine.IO connection opened (first time or after a reconnection).</summary>
    public event Action? Opened;

    /// <summary>The Engine.IO connection closed, with the reason (see <see cref="SocketIOClientDisconnectReasons"/>).</summary>
    public event Action<string>? Closed;

    /// <summary>Opening the connection failed.</summary>
    public event Action<Exception>? Error;

    /// <summary>A reconnection attempt starts (1, 2, ...), after its delay.</summary>
    public event Action<int>? ReconnectAttempt;

    /// <summary>A reconnection attempt succeeded; the argument is the attempt number.</summary>
    public event Action<int>? Reconnected;

    /// <summary>A reconnection attempt failed.</summary>
    public event Action<Exception>? ReconnectError;

    /// <summary>Reconnection gave up after <see cref="SocketIOClientOptions.ReconnectionAttempts"/> attempts.</summary>
    public event Action? ReconnectFailed;

    /// <summary>The socket of namespace <paramref name="nsp"/> on this connection (one per namespace).</summary>
    public SocketIOClientSocket Socket(string nsp = "/")
    {
        ArgumentNullException.ThrowIfNull(nsp);
        nsp = NormalizeNamespace(nsp);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _sockets.GetOrAdd(nsp, static (name, manager) => new SocketIOClientSocket(manager, name), this);
    }

    /// <summary>
    /// Like the JS <c>io(url)</c>: a socket for the namespace in <paramref name="url"/>'s path, on a manager shared with
    /// other sockets of the same server and path, unless <see cref="SocketIOClientOptions.ForceNew"/> is set, multiplexing
    /// is off, or the shared manager already has that namespace. Such a manager is disposed with its last socket.
    /// </summary>
    public static SocketIOClientSocket Socket(Uri url, SocketIOClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        options ??= new SocketIOClientOptions();
        var nsp = NormalizeNamespace(url.AbsolutePath);
        var server = new Uri(url.GetLeftPart(UriPartial.Authority));
        if (options.ForceNew || !options.Multiplex)
        {
            return new SocketIOManager(server, options) { _sharedKey = string.Empty }.Socket(nsp);
        }

        var key = $"{server}|{options.Path}";
        lock (s_sharedGate)
        {
            if (!s_shared.TryGetValue(key, out var manager) || manager._disposed || manager._sockets.ContainsKey(nsp))
            {
                manager = new SocketIOManager(server, options) { _sharedKey = key };
                s_shared[key] = manager;
            }

            return manager.Socket(nsp);
        }
    }

    /// <summary>Closes the connection (sockets disconnect with "forced close", pending acks fail) and stops reconnecting.</summary>
    public async ValueTask DisposeAsync()
    {
        EngineClientConnection? engine;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _skipReconnect = true;
            _reconnecting = false;
            engine = _engine ?? _pendingEngine;
            _active.Clear();
        }

        if (_sharedKey is { Length: > 0 })
        {
            lock (s_sharedGate)
            {
                if (s_shared.TryGetValue(_sharedKey, out var shared) && ReferenceEquals(shared, this))
                {
                    s_shared.Remove(_sharedKey);
                }
            }
        }

        _disposing.Cancel();
        if (engine is not null)
        {
            await engine.CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }

        foreach (var socket in _sockets.Values)
        {
            socket.OnManagerDisposed();
        }

        _http.Dispose();
        _disposing.Dispose();
    }

    internal ILogger Logger => _logger;

    internal SocketIOParser Parser => Options.Parser;

    /// <summary>True when a volatile packet may go now.</summary>
    internal bool IsWritable => Volatile.Read(ref _engine) is { IsWritable: true };

    internal bool TrySend(EncodedPacket packet) => Volatile.Read(ref _engine) is { } engine && engine.TrySend(packet);

    /// <summary>A socket wants to be connected: open (or reuse) the connection, then it sends its CONNECT.</summary>
    internal void Activate(SocketIOClientSocket socket)
    {
        bool isOpen;
        var startOpen = false;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _active.Add(socket);
            _skipReconnect = false;
            isOpen = _engine is { IsClosed: false };
            if (!isOpen && !_opening && !_reconnecting)
            {
                _opening = true;
                startOpen = true;
            }
        }

        if (isOpen)
        {
            socket.OnEngineOpen();
        }
        else if (startOpen)
        {
            _ = OpenFirstAsync();
        }
    }

    /// <summary>A socket no longer wants to be connected; the last one closes the connection.</summary>
    internal Task DeactivateAsync(SocketIOClientSocket socket)
    {
        EngineClientConnection? engine = null;
        lock (_gate)
        {
            if (!_active.Remove(socket) || _active.Count > 0)
            {
                return Task.CompletedTask;
            }

            _skipReconnect = true;
            engine = _engine;
        }

        return engine is null ? Task.CompletedTask : engine.CloseAsync(TimeSpan.FromSeconds(1));
    }

    internal void OnSocketDisposed(SocketIOClientSocket socket)
    {
        _sockets.TryRemove(new KeyValuePair<string, SocketIOClientSocket>(socket.Namespace, socket));
        if (_sharedKey is not null && _sockets.IsEmpty)
        {
            _ = DisposeAsync().AsTask();
        }
    }

    void IEngineClientHandler.OnEngineMessage(EngineClientConnection connection, in ReadOnlySequence<byte> data, bool isBinary)
    {
        if (!ReferenceEquals(connection, Volatile.Read(ref _engine)) && !ReferenceEquals(connection, Volatile.Read(ref _pendingEngine)))
        {
            return;
        }

        SocketIOPacket? packet;
        try
        {
            if (!_decoder.TryDecode(data, isBinary, out packet) || packet is null)
            {
                return;
            }
        }
        catch (InvalidDataException e)
        {
            SocketIOClientLog.MalformedPacket(_logger, e);
            connection.Close(SocketIOClientDisconnectReasons.ParseError, e);
            return;
        }

        if (_sockets.TryGetValue(packet.Namespace, out var socket))
        {
            socket.OnPacket(packet);
        }
    }

    void IEngineClientHandler.OnEngineClose(EngineClientConnection connection, string reason, Exception? error)
    {
        bool reconnect;
        lock (_gate)
        {
            if (ReferenceEquals(connection, _pendingEngine))
            {
                _pendingEngine = null;
                return;
            }

            if (!ReferenceEquals(connection, _engine))
            {
                return;
            }

            _engine = null;
            reconnect = Options.Reconnection && !_skipReconnect && !_disposed && _active.Count > 0 && !_reconnecting;
            _reconnecting |= reconnect;
        }

        Closed?.Invoke(reason);
        foreach (var socket in _sockets.Values)
        {
            socket.OnEngineClose(reason);
        }

        if (reconnect)
        {
            _ = ReconnectLoopAsync();
        }
    }

    private async Task OpenFirstAsync()
    {
        try
        {
            await OpenEngineAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOClientLog.OpenFailed(_logger, e);
            SocketIOClientSocket[] active;
            bool reconnect;
            lock (_gate)
            {
                _opening = false;
                reconnect = Options.Reconnection && !_skipReconnect && !_disposed && _active.Count > 0 && !_reconnecting;
                _reconnecting |= reconnect;
                active = [.. _active];
            }

            Error?.Invoke(e);
            if (reconnect)
            {
                _ = ReconnectLoopAsync();
            }
            else
            {
                foreach (var socket in active)
                {
                    socket.OnOpenFailed(e);
                }
            }
        }
    }

    private async Task OpenEngineAsync()
    {
        var engine = new EngineClientConnection(Options, _uris, _http, _cookies, this, _logger);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _decoder = Options.Parser.CreateDecoder(Options.MaxAttachments);
            _pendingEngine = engine;
        }

        try
        {
            await engine.OpenAsync(_disposing.Token).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                if (ReferenceEquals(_pendingEngine, engine))
                {
                    _pendingEngine = null;
                }
            }

            throw;
        }

        SocketIOClientSocket[] active;
        var closeNow = false;
        lock (_gate)
        {
            if (ReferenceEquals(_pendingEngine, engine))
            {
                _pendingEngine = null;
            }

            if (engine.IsClosed || _disposed)
            {
                engine.Close(SocketIOClientDisconnectReasons.ForcedClose, null, notify: false);
                throw new EngineTransportException("The connection closed while opening.");
            }

            _engine = engine;
            _opening = false;
            _reconnecting = false;
            active = [.. _active];
            closeNow = active.Length == 0 && _skipReconnect;
        }

        Opened?.Invoke();
        if (closeNow)
        {
            await engine.CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return;
        }

        foreach (var socket in active)
        {
            socket.OnEngineOpen();
        }
    }

    private async Task ReconnectLoopAsync()
    {
        while (true)
        {
            SocketIOClientSocket[] active;
            lock (_gate)
            {
                if (_skipReconnect || _disposed || _active.Count == 0)
                {
                    _reconnecting = false;
                    _backoff.Reset();
                    return;
                }

                active = [.. _active];
            }

            if (_backoff.Attempts >= Options.ReconnectionAttempts)
            {
                SocketIOClientLog.ReconnectGaveUp(_logger, _backoff.Attempts);
                lock (_gate)
                {
                    _reconnecting = false;
                    _backoff.Reset();
                }

                ReconnectFailed?.Invoke();
                var failure = new SocketIOConnectException($"Reconnection failed after {Options.ReconnectionAttempts} attempt(s).");
                foreach (var socket in active)
                {
                    socket.OnOpenFailed(failure);
                }

                return;
            }

            var delay = _backoff.NextDelay();
            var attempt = _backoff.Attempts;
            SocketIOClientLog.ReconnectScheduled(_logger, attempt, delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, Options.TimeProvider, _disposing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_gate)
            {
                if (_skipReconnect || _disposed)
                {
                    _reconnecting = false;
                    _backoff.Reset();
                    return;
                }
            }

            ReconnectAttempt?.Invoke(attempt);
            try
            {
                await OpenEngineAsync().ConfigureAwait(false);
                _backoff.Reset();
                Reconnected?.Invoke(attempt);
                return;
            }
            catch (Exception e)
            {
                SocketIOClientLog.ReconnectAttemptFailed(_logger, attempt, e);
                lock (_gate)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    _reconnecting = true;
                }

                ReconnectError?.Invoke(e);
            }
        }
    }

    private static string NormalizeNamespace(string nsp)
    {
        if (nsp.Length == 0 || nsp == "/")
        {
            return "/";
        }

        nsp = nsp.TrimEnd('/');
        return nsp.StartsWith('/') ? nsp : "/" + nsp;
    }
}
