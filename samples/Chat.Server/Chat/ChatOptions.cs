using System.ComponentModel.DataAnnotations;

namespace Chat.Server.Chat;

/// <summary>Chat limits, bound from the "Chat" configuration section.</summary>
public sealed class ChatOptions
{
    public const string SectionName = "Chat";

    /// <summary>The room every user enters after choosing a name, and returns to on leaving a room.</summary>
    [Required]
    [RegularExpression(ChatValidation.RoomNamePattern)]
    public string DefaultRoom { get; set; } = "lobby";

    /// <summary>Rooms that always exist and keep their history when empty (the default room is always one of them).</summary>
    public string[] PermanentRooms { get; set; } = ["lobby", "random", "help"];

    [Range(1, 64)]
    public int MaxUsernameLength { get; set; } = 24;

    [Range(1, 10_000)]
    public int MaxMessageLength { get; set; } = 500;

    /// <summary>How many messages each room keeps for late joiners.</summary>
    [Range(0, 10_000)]
    public int HistorySize { get; set; } = 50;

    /// <summary>How many rooms may exist at once (permanent ones included).</summary>
    [Range(1, 10_000)]
    public int MaxRooms { get; set; } = 100;
}
