using System.Globalization;
using System.Text.Json;
using TypedSockets.Server.Adapters;

namespace TypedSockets.Server.AdminUI;

/// <summary>
/// Sockets as the UI reads them (<c>SerializedSocket</c>: id, clientId, transport, nsp, data, handshake, rooms), built
/// from maps, arrays and JSON elements any parser writes. The handshake's auth payload is never included.
/// </summary>
internal static class AdminUISocketSerializer
{
    /// <summary>The key of <see cref="SocketIOSocket.Data"/> where the instrumentation keeps a socket's client id and transport, so that other servers of a cluster see them in fetched sockets (the Node instrument's <c>socket.data._admin</c>).</summary>
    public const string AdminDataKey = "_admin";

    public static Dictionary<string, object?> Serialize(RemoteSocket socket, string nsp, SocketIOServer server)
    {
        string? clientId = null;
        string? transport = null;
        if (socket.Data.TryGetValue(AdminDataKey, out var admin))
        {
            clientId = ReadString(admin, "clientId");
            transport = ReadString(admin, "transport");
        }

        return new Dictionary<string, object?>(7, StringComparer.Ordinal)
        {
            ["id"] = socket.Id,
            ["clientId"] = clientId,
            ["transport"] = transport,
            ["nsp"] = nsp,
            ["data"] = SerializeData(socket.Id, socket.Data, server),
            ["handshake"] = socket.Handshake is { } handshake ? SerializeHandshake(handshake) : new Dictionary<string, object?>(),
            ["rooms"] = socket.Rooms.ToArray(),
        };
    }

    /// <summary>A socket of this server when it connects (<c>socket_connected</c>).</summary>
    public static Dictionary<string, object?> Serialize(SocketIOSocket socket) => Serialize(RemoteSocket.FromLocal(socket), socket.Namespace.Name, socket.Server);

    public static Dictionary<string, object?> AdminData(SocketIOSocket socket) => new(2, StringComparer.Ordinal)
    {
        ["clientId"] = socket.ConnectionId.Length > 12 ? socket.ConnectionId[..12] : socket.ConnectionId,
        ["transport"] = socket.Transport,
    };

    /// <summary>The UI's timestamps: what JavaScript's <c>JSON.stringify(new Date())</c> writes.</summary>
    public static string Timestamp(TimeProvider time) =>
        time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> SerializeHandshake(SocketIOHandshake handshake)
    {
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, values) in handshake.Headers)
        {
            headers[name.ToLowerInvariant()] = values.ToString();
        }

        var query = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, values) in handshake.Query)
        {
            query[name] = values.ToString();
        }

        // The reference reports the first proxy's address when one forwarded the request.
        var address = FirstHeader(handshake, "cf-connecting-ip") ?? FirstHeader(handshake, "x-forwarded-for") ?? handshake.Address;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["address"] = address,
            ["headers"] = headers,
            ["query"] = query,
            ["issued"] = handshake.Issued.ToUnixTimeMilliseconds(),
            ["secure"] = handshake.Secure,
            ["time"] = handshake.Issued.ToString("R", CultureInfo.InvariantCulture),
            ["url"] = handshake.Url,
            ["xdomain"] = handshake.Headers.ContainsKey("Origin"),
        };
    }

    private static string? FirstHeader(SocketIOHandshake handshake, string name) =>
        handshake.Headers.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>The socket's data without the instrumentation's own key, as a JSON tree (empty when it cannot be written).</summary>
    private static object SerializeData(string socketId, IReadOnlyDictionary<string, object?> data, SocketIOServer server)
    {
        var copy = new Dictionary<string, object?>(data.Count, StringComparer.Ordinal);
        foreach (var (key, value) in data)
        {
            if (key != AdminDataKey)
            {
                copy[key] = value;
            }
        }

        if (copy.Count == 0)
        {
            return copy;
        }

        try
        {
            return JsonSerializer.SerializeToElement(copy, server.JsonParser.GetTypeInfo(typeof(Dictionary<string, object?>)));
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            AdminUILog.DataNotSerializable(server.Logger, socketId, e);
            return new Dictionary<string, object?>();
        }
    }

    private static string? ReadString(object? map, string key) => map switch
    {
        IReadOnlyDictionary<string, object?> d => d.TryGetValue(key, out var v) ? v as string : null,
        IDictionary<string, object?> d => d.TryGetValue(key, out var v) ? v as string : null,
        JsonElement { ValueKind: JsonValueKind.Object } e => e.TryGetProperty(key, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
        _ => null,
    };
}
