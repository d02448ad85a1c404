namespace Chat.Server.Chat;

internal static class ChatClock
{
    /// <summary>
    /// Now, in UTC, to the millisecond: JavaScript dates have millisecond precision, and not every browser parses an
    /// ISO 8601 string with seven fractional digits.
    /// </summary>
    public static DateTimeOffset Now(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
