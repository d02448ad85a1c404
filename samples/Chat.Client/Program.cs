using Chat.Client;

if (!ChatClientOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(ChatClientOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C: leave cleanly (disconnect) instead of being killed.
    e.Cancel = true;
    stop.Cancel();
};

return await ChatConsole.RunAsync(options, Console.In, Console.Out, stop.Token);
