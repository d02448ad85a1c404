namespace Chat.Server.Chat;

/// <summary>A request the chat refuses; its message is sent back to the client as <c>{"ok":false,"error":...}</c>.</summary>
public sealed class ChatRequestException(string message) : Exception(message);
