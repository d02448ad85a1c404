namespace TypedSockets.Server.AdminUI;

/// <summary>bcrypt checks for the Admin UI's basic authentication.</summary>
internal static class AdminUIPassword
{
    /// <summary>True for a modular-crypt bcrypt hash: <c>$2a$</c>/<c>$2b$</c>/<c>$2x$</c>/<c>$2y$</c>, two-digit cost 4-31, 22 + 31 characters of bcrypt base64.</summary>
    public static bool IsBcryptHash(string hash)
    {
        if (hash.Length != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$' || "abxy".IndexOf(hash[2]) < 0 ||
            !char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5]))
        {
            return false;
        }

        var cost = ((hash[4] - '0') * 10) + (hash[5] - '0');
        if (cost is < 4 or > 31)
        {
            return false;
        }

        foreach (var c in hash.AsSpan(7))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '.' && c != '/')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="hash"/>; false (never an exception) for anything malformed.</summary>
    public static bool Verify(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (Exception e) when (e is BCrypt.Net.SaltParseException or ArgumentException)
        {
            return false;
        }
    }
}
