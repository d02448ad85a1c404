using System.Globalization;
using TypedSockets.Protocol.SocketIO.Json;
using TypedSockets.Redis.Serialization;
using TypedSockets.Server;
using TypedSockets.Server.Adapters;

namespace TypedSockets.Redis.Internal;

/// <summary>Socket.IO packets, broadcast options and sockets as the Node.js adapters put them on the wire.</summary>
internal static class WireFormat
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A random id like npm <c>uid2(length)</c>.</summary>
    public static string Uid2(int length) => string.Create(length, 0, static (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Alphanumeric[Random.Shared.Next(Alphanumeric.Length)];
        }
    });

    /// <summary>A random id like socket.io-adapter's <c>randomId()</c> (8 random bytes in hex).</summary>
    public static string RandomHexId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>The EVENT packet object <c>{type: 2, data: [name, ...args], nsp}</c>.</summary>
    public static Dictionary<string, object?> ToPacket(BroadcastPacket packet, JsonSocketIOParser parser)
    {
        var data = new List<object?>(packet.Args.Length + 1) { packet.EventName };
        foreach (var arg in packet.Args)
        {
            data.Add(JsValues.FromClr(arg, parser));
        }

        return new Dictionary<string, object?>(3, StringComparer.Ordinal)
        {
            ["type"] = 2L,
            ["data"] = data,
            ["nsp"] = packet.Namespace,
        };
    }

    /// <summary>An EVENT packet object from another node; null when it is not one for <paramref name="nsp"/>.</summary>
    public static BroadcastPacket? FromPacket(object? value, string nsp)
    {
        if (value is not Dictionary<string, object?> packet ||
            packet.GetInt64("type") is not (2 or 5) ||
            (packet.GetString("nsp") ?? "/") != nsp ||
            packet.Get("data") is not List<object?> { Count: > 0 } data)
        {
            return null;
        }

        var name = data[0] switch
        {
            string s => s,
            long n => n.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (name is null)
        {
            return null;
        }

        return new BroadcastPacket(nsp, name, [.. data.Skip(1)]);
    }

    /// <summary><c>{rooms, except, flags}</c>; flags carry only what is set, as the reference's do.</summary>
    public static Dictionary<string, object?> ToOptions(BroadcastOptions options, bool withFlags = true)
    {
        var result = new Dictionary<string, object?>(3, StringComparer.Ordinal)
        {
            ["rooms"] = options.Rooms.Cast<object?>().ToList(),
            ["except"] = options.Except.Cast<object?>().ToList(),
        };
        if (withFlags)
        {
            var flags = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (options.Volatile)
            {
                flags["volatile"] = true;
            }

            if (options.Timeout is { } timeout)
            {
                flags["timeout"] = (long)timeout.TotalMilliseconds;
            }

            result["flags"] = flags;
        }

        return result;
    }

    public static BroadcastOptions FromOptions(object? value)
    {
        if (value is not Dictionary<string, object?> map)
        {
            return BroadcastOptions.All;
        }

        var flags = map.Get("flags") as Dictionary<string, object?>;
        return new BroadcastOptions
        {
            Rooms = map.GetStrings("rooms"),
            Except = map.GetStrings("except"),
            Volatile = flags is not null && JsValues.IsTruthy(flags.Get("volatile")),
            Timeout = flags?.GetInt64("timeout") is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
    }

    /// <summary>A local socket as the reference sends it in a fetchSockets response: <c>{id, handshake, rooms, data}</c>.</summary>
    public static Dictionary<string, object?> ToSocket(RemoteSocket socket, JsonSocketIOParser parser)
    {
        return new Dictionary<string, object?>(4, StringComparer.Ordinal)
        {
            ["id"] = socket.Id,
            ["handshake"] = socket.Handshake is { } handshake ? ToHandshake(handshake, parser) : new Dictionary<string, object?>(),
            ["rooms"] = socket.Rooms.Cast<object?>().ToList(),
            ["data"] = JsValues.FromClr(socket.Data, parser),
        };
    }

    private static Dictionary<string, object?> ToHandshake(SocketIOHandshake handshake, JsonSocketIOParser parser)
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

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["headers"] = headers,
            ["time"] = handshake.Issued.ToString("R", CultureInfo.InvariantCulture),
            ["address"] = handshake.Address,
            ["xdomain"] = handshake.Headers.ContainsKey("Origin"),
            ["secure"] = handshake.Secure,
            ["issued"] = handshake.Issued.ToUnixTimeMilliseconds(),
            ["url"] = handshake.Url,
            ["query"] = query,
            ["auth"] = JsValues.FromClr(handshake.Auth, parser),
        };
    }

    public static RemoteSocket FromSocket(SocketIONamespace nsp, object? value)
    {
        var map = value as Dictionary<string, object?> ?? [];
        var data = map.Get("data") as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);
        return new RemoteSocket(nsp, map.GetString("id") ?? string.Empty, null, map.GetStrings("rooms"), data);
    }
}
