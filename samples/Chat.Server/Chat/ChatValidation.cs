using System.Text.RegularExpressions;

namespace Chat.Server.Chat;

/// <summary>Normalizes and checks user input; throws <see cref="ChatRequestException"/> with a message fit for the user.</summary>
public static partial class ChatValidation
{
    /// <summary>Lower-case letters, digits, '-' and '_', starting with a letter or digit, at most 24 characters.</summary>
    public const string RoomNamePattern = "^[a-z0-9][a-z0-9_-]{0,23}$";

    [GeneratedRegex(RoomNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex RoomName();

    /// <summary>The trimmed username, or why it is refused.</summary>
    public static string Username(string? value, int maxLength)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new ChatRequestException("Choose a username.");
        }

        if (name.Length > maxLength)
        {
            throw new ChatRequestException($"A username has at most {maxLength} characters.");
        }

        if (HasControlCharacters(name, allowLineBreaks: false))
        {
            throw new ChatRequestException("A username cannot contain control characters.");
        }

        return name;
    }

    /// <summary>The trimmed, lower-cased room name, or why it is refused.</summary>
    public static string Room(string? value)
    {
        var room = value?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(room))
        {
            throw new ChatRequestException("Name a room.");
        }

        if (!RoomName().IsMatch(room))
        {
            throw new ChatRequestException("A room name has 1 to 24 letters, digits, '-' or '_', and starts with a letter or digit.");
        }

        return room;
    }

    /// <summary>The trimmed message text, or why it is refused.</summary>
    public static string MessageText(string? value, int maxLength)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw new ChatRequestException("A message cannot be empty.");
        }

        if (text.Length > maxLength)
        {
            throw new ChatRequestException($"A message has at most {maxLength} characters.");
        }

        if (HasControlCharacters(text, allowLineBreaks: true))
        {
            throw new ChatRequestException("A message cannot contain control characters.");
        }

        return text;
    }

    private static bool HasControlCharacters(string text, bool allowLineBreaks)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t'))
            {
                return true;
            }
        }

        return false;
    }
}
