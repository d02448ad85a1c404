using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Xunit.Sdk;

namespace TypedSockets.Server.Tests.Conformance.Kit;

/// <summary>
/// A WebSocket that speaks raw Engine.IO frames, like the official suite's <c>createWebSocket</c>:
/// a background loop buffers every received message, the test awaits them one by one with a timeout,
/// and the close (a close frame or a dropped connection) ends the buffer. Every frame sent and
/// received is kept in <see cref="Transcript"/> for failure messages.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly bool _answerPings;
    private readonly Channel<WebSocketFrame> _inbox = Channel.CreateUnbounded<WebSocketFrame>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<string> _transcript = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Task _receiveLoop;

    private RawWebSocket(ClientWebSocket socket, bool answerPings)
    {
        _socket = socket;
        _answerPings = answerPings;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>What was sent (<c>&gt;</c>) and received (<c>&lt;</c>), one line per frame, plus the close (<c>x</c>).</summary>
    public string Transcript
    {
        get
        {
            lock (_transcript)
            {
                return string.Join("\n", _transcript);
            }
        }
    }

    /// <summary>
    /// Opens a WebSocket and fails the test when it is refused.
    /// With <paramref name="answerPings"/> the loop answers every ping <c>2</c> with a pong <c>3</c> at once and
    /// does not buffer the ping, so the server's ping timeout never closes the connection; the official suite
    /// never answers, so the ported cases leave it off unless a close must not be blamed on the heartbeat.
    /// </summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri uri, bool answerPings = false)
    {
        var attempt = await TryConnectAsync(uri, answerPings);
        if (attempt.Socket is null)
        {
            throw new XunitException($"WebSocket {uri} was refused: HTTP {(int)attempt.StatusCode}; {attempt.Failure}");
        }

        return attempt.Socket;
    }

    /// <summary>Opens a WebSocket; a refusal is returned with its HTTP status instead of thrown.</summary>
    public static async Task<WebSocketAttempt> TryConnectAsync(Uri uri, bool answerPings = false)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = new CancellationTokenSource(Timeouts.Connect);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await socket.ConnectAsync(uri, cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return new WebSocketAttempt(null, status, $"{e.GetType().Name} after {clock.ElapsedMilliseconds} ms: {e.Message}");
        }

        return new WebSocketAttempt(new RawWebSocket(socket, answerPings), HttpStatusCode.SwitchingProtocols, null);
    }

    public Task SendTextAsync(string text) =>
        SendAsync(WebSocketFrame.FromText(text), WebSocketMessageType.Text);

    public Task SendBinaryAsync(params byte[] data) =>
        SendAsync(WebSocketFrame.FromBinary(data), WebSocketMessageType.Binary);

    /// <summary>The next buffered message (pings included unless answered), like the suite's <c>waitFor(socket, "message")</c>.</summary>
    public async Task<WebSocketFrame> ReceiveAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? Timeouts.Receive;
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (await _inbox.Reader.WaitToReadAsync(cts.Token))
            {
                if (_inbox.Reader.TryRead(out var frame))
                {
                    return frame;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new XunitException($"No WebSocket message within {wait.TotalMilliseconds} ms.\nTranscript:\n{Transcript}");
        }

        throw new XunitException($"The server closed the connection while a message was expected.\nTranscript:\n{Transcript}");
    }

    /// <summary>The next message, which must be a text frame.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        var frame = await ReceiveAsync(timeout);
        if (frame.IsBinary)
        {
            throw new XunitException($"Expected a text frame, got {frame}.\nTranscript:\n{Transcript}");
        }

        return frame.Text!;
    }

    /// <summary>The next <paramref name="count"/> messages that are not a ping <c>2</c>, like the suite's <c>waitForPackets</c>.</summary>
    public async Task<IReadOnlyList<WebSocketFrame>> ReceiveIgnoringPingsAsync(int count, TimeSpan? timeout = null)
    {
        var frames = new List<WebSocketFrame>(count);
        while (frames.Count < count)
        {
            var frame = await ReceiveAsync(timeout);
            if (frame.Text != "2")
            {
                frames.Add(frame);
            }
        }

        return frames;
    }

    /// <summary>The next text message that is not a ping <c>2</c>.</summary>
    public async Task<string> ReceiveTextIgnoringPingsAsync(TimeSpan? timeout = null)
    {
        var frame = (await ReceiveIgnoringPingsAsync(1, timeout))[0];
        if (frame.IsBinary)
        {
            throw new XunitException($"Expected a text frame, got {frame}.\nTranscript:\n{Transcript}");
        }

        return frame.Text!;
    }

    /// <summary>
    /// Waits until the server closes the connection (close frame or dropped TCP connection), like the suite's
    /// <c>waitFor(socket, "close")</c>, and returns the messages still buffered when it closed.
    /// </summary>
    public async Task<IReadOnlyList<WebSocketFrame>> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? Timeouts.Close;
        var frames = new List<WebSocketFrame>();
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (await _inbox.Reader.WaitToReadAsync(cts.Token))
            {
                while (_inbox.Reader.TryRead(out var frame))
                {
                    frames.Add(frame);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new XunitException($"The server did not close the connection within {wait.TotalMilliseconds} ms.\nTranscript:\n{Transcript}");
        }

        await _receiveLoop;
        return frames;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _receiveLoop;
        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task SendAsync(WebSocketFrame frame, WebSocketMessageType type)
    {
        using var cts = new CancellationTokenSource(Timeouts.Receive);
        await _sendLock.WaitAsync(cts.Token);
        try
        {
            Record("> " + frame);
            await _socket.SendAsync(frame.Data, type, endOfMessage: true, cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            throw new XunitException($"Could not send {frame}: {e.Message}\nTranscript:\n{Transcript}");
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Record($"x close frame {(int?)result.CloseStatus} {result.CloseStatusDescription}");
                    await CloseOutputQuietlyAsync();
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var data = message.ToArray();
                message.SetLength(0);
                var frame = result.MessageType == WebSocketMessageType.Text
                    ? WebSocketFrame.FromText(Encoding.UTF8.GetString(data))
                    : WebSocketFrame.FromBinary(data);
                Record("< " + frame);

                if (_answerPings && frame.Text == "2")
                {
                    await AnswerPingAsync();
                    continue;
                }

                _inbox.Writer.TryWrite(frame);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Record($"x connection ended: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _inbox.Writer.TryComplete();
        }
    }

    private async Task AnswerPingAsync()
    {
        await _sendLock.WaitAsync();
        try
        {
            Record("> 3 (automatic pong)");
            await _socket.SendAsync("3"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CloseOutputQuietlyAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The server may already have dropped the connection.
        }
    }

    private void Record(string line)
    {
        var elapsed = (long)_clock.Elapsed.TotalMilliseconds;
        lock (_transcript)
        {
            _transcript.Add($"[{elapsed,5} ms] {line}");
        }
    }
}
