using System.Text.Json.Serialization;

namespace Chat.Contracts;

/// <summary>
/// Source-generated System.Text.Json metadata of every type the chat contracts send or receive: what lets the server
/// and the console client run without reflection (Native AOT, trimming). Register it with the JSON parser's options:
/// <c>AddTypedSockets(o =&gt; o.JsonSerializerOptions.TypeInfoResolverChain.Add(ChatJsonContext.Default))</c> on the server,
/// <c>new JsonSocketIOParser(ChatJsonContext.Default)</c> on the client. A type added to a contract goes here too.
/// </summary>
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(PostRequest))]
[JsonSerializable(typeof(TypingRequest))]
[JsonSerializable(typeof(ChatReply))]
[JsonSerializable(typeof(RoomMessage))]
[JsonSerializable(typeof(RoomNotice))]
[JsonSerializable(typeof(RoomUsers))]
[JsonSerializable(typeof(RoomList))]
[JsonSerializable(typeof(TypingNotice))]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(JoinResult))]
public sealed partial class ChatJsonContext : JsonSerializerContext;
