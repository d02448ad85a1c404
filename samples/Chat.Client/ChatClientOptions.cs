namespace Chat.Client;

/// <summary>The command line: <c>--url</c>, <c>--name</c>, <c>--room</c>.</summary>
public sealed record ChatClientOptions(Uri Url, string Name, string? Room)
{
    public const string DefaultUrl = "http://localhost:5000";

    public const string Usage = "usage: Chat.Client [--url http://localhost:5000] --name <username> [--room <room>]";

    public static bool TryParse(string[] args, out ChatClientOptions options, out string? error)
    {
        options = new ChatClientOptions(new Uri(DefaultUrl), string.Empty, null);
        error = null;
        string? url = null, name = null, room = null;
        for (var i = 0; i < args.Length; i++)
        {
            var key = args[i];
            if (key is not ("--url" or "--name" or "--room"))
            {
                error = $"unknown argument '{key}'";
                return false;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{key} needs a value";
                return false;
            }

            var value = args[++i];
            switch (key)
            {
                case "--url":
                    url = value;
                    break;
                case "--name":
                    name = value;
                    break;
                default:
                    room = value;
                    break;
            }
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            error = "--name is required";
            return false;
        }

        if (!Uri.TryCreate(url ?? DefaultUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"--url expects an http(s) address, not '{url}'";
            return false;
        }

        options = new ChatClientOptions(uri, name, string.IsNullOrWhiteSpace(room) ? null : room);
        return true;
    }
}
