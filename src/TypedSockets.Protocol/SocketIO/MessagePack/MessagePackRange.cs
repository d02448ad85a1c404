namespace TypedSockets.Protocol.SocketIO.MessagePack;

/// <summary>Where one msgpack value lies in a decoded message.</summary>
internal readonly record struct MessagePackRange(int Start, int Length);
