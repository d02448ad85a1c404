using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace TypedSockets.LoadTest.Targets;

/// <summary>
/// The raw target: Kestrel WebSockets with no protocol, written the plain way (a 4 KiB receive buffer per connection,
/// one <see cref="WebSocket.SendAsync(ReadOnlyMemory{byte}, WebSocketMessageType, bool, CancellationToken)"/> per
/// message). "e..." is echoed; "b..." sends "t..." to every connection.
/// </summary>
public sealed class RawWebSocketHub
{
    private readonly ConcurrentDictionary<RawConnection, byte> _connections = new();

    public int Count => _connections.Count;

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new RawConnection(socket);
        _connections.TryAdd(connection, 0);
        try
        {
            await connection.ReceiveLoopAsync(this);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away.
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }

    private void Broadcast(byte[] message)
    {
        foreach (var connection in _connections.Keys)
        {
            _ = connection.SendAsync(message);
        }
    }

    private sealed class RawConnection(WebSocket socket)
    {
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public async Task ReceiveLoopAsync(RawWebSocketHub hub)
        {
            var buffer = new byte[4096];
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage && count < buffer.Length);

                if (count == 0)
                {
                    continue;
                }

                if (buffer[0] == (byte)'e')
                {
                    await SendAsync(buffer.AsMemory(0, count));
                }
                else if (buffer[0] == (byte)'b')
                {
                    var tick = buffer.AsSpan(0, count).ToArray();
                    tick[0] = (byte)'t';
                    hub.Broadcast(tick);
                }
            }
        }

        public async Task SendAsync(ReadOnlyMemory<byte> message)
        {
            await _sendLock.WaitAsync();
            try
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
            {
                // A dead connection: its receive loop ends it.
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }
}
