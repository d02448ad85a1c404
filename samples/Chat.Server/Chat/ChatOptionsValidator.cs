using Microsoft.Extensions.Options;

namespace Chat.Server.Chat;

/// <summary>Checks <see cref="ChatOptions"/>' data annotations with generated code (no reflection: Native AOT safe).</summary>
[OptionsValidator]
public sealed partial class ChatOptionsValidator : IValidateOptions<ChatOptions>;
