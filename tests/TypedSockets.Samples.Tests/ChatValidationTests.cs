using Chat.Server.Chat;

namespace TypedSockets.Samples.Tests;

public sealed class ChatValidationTests
{
    [Theory]
    [InlineData("ada", "ada")]
    [InlineData("  Ada Lovelace  ", "Ada Lovelace")]
    [InlineData("çağrı 👋", "çağrı 👋")]
    public void UsernamesAreTrimmed(string input, string expected) => Assert.Equal(expected, ChatValidation.Username(input, 24));

    [Theory]
    [InlineData(null, "Choose a username.")]
    [InlineData("", "Choose a username.")]
    [InlineData(" \t ", "Choose a username.")]
    [InlineData("abcdefghijklmnopqrstuvwxy", "A username has at most 24 characters.")]
    [InlineData("a\u0000b", "A username cannot contain control characters.")]
    [InlineData("two\nlines", "A username cannot contain control characters.")]
    public void BadUsernamesAreRefused(string? input, string error) =>
        Assert.Equal(error, Assert.Throws<ChatRequestException>(() => ChatValidation.Username(input, 24)).Message);

    [Theory]
    [InlineData("lobby", "lobby")]
    [InlineData(" DotNet ", "dotnet")]
    [InlineData("web_dev-2", "web_dev-2")]
    public void RoomNamesAreNormalized(string input, string expected) => Assert.Equal(expected, ChatValidation.Room(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-lobby")]
    [InlineData("../etc")]
    [InlineData("@signed-in")]
    [InlineData("two words")]
    [InlineData("abcdefghijklmnopqrstuvwxy")]
    public void BadRoomNamesAreRefused(string? input) => Assert.Throws<ChatRequestException>(() => ChatValidation.Room(input));

    [Fact]
    public void MessagesKeepLineBreaksAndAreLimitedInLength()
    {
        Assert.Equal("one\ntwo", ChatValidation.MessageText("  one\ntwo \n", 10));
        Assert.Equal(new string('x', 10), ChatValidation.MessageText(new string('x', 10), 10));
        Assert.Equal("A message has at most 10 characters.", Assert.Throws<ChatRequestException>(() => ChatValidation.MessageText(new string('x', 11), 10)).Message);
        Assert.Equal("A message cannot be empty.", Assert.Throws<ChatRequestException>(() => ChatValidation.MessageText(" \n ", 10)).Message);
        Assert.Equal("A message cannot contain control characters.", Assert.Throws<ChatRequestException>(() => ChatValidation.MessageText("a\u001bb", 10)).Message);
    }
}
