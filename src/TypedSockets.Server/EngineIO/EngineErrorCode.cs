namespace TypedSockets.Server.EngineIO;

/// <summary>The error codes a handshake or session request is rejected with (<c>{"code":N,"message":"..."}</c>).</summary>
internal enum EngineErrorCode
{
    UnknownTransport = 0,
    UnknownSid = 1,
    BadHandshakeMethod = 2,
    BadRequest = 3,
    Forbidden = 4,
    UnsupportedProtocolVersion = 5,
}
