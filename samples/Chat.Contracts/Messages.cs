namespace Chat.Contracts;

/// <summary>A posted chat message.</summary>
public sealed record ChatMessage(string Room, string User, string Text, DateTimeOffset SentAt);

/// <summary>The reply to <see cref="IChatServer.Join"/>.</summary>
public sealed record JoinResult(string Room, int Online);
