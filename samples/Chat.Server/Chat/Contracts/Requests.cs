namespace Chat.Server.Chat.Contracts;

// What clients send. Every property is nullable: a payload missing a field binds and is refused by validation.

/// <summary><c>login</c>: choose a username (then the user is in the default room).</summary>
public sealed record LoginRequest(string? Username);

/// <summary><c>join</c>: switch to a room (created when it does not exist).</summary>
public sealed record JoinRequest(string? Room);

/// <summary><c>message</c>: post to the current room.</summary>
public sealed record SendMessageRequest(string? Text);

/// <summary><c>typing</c>: the user started or stopped typing in the current room.</summary>
public sealed record TypingRequest(bool IsTyping);
