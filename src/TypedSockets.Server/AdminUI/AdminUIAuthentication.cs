namespace TypedSockets.Server.AdminUI;

/// <summary>
/// How Admin UI clients authenticate on the admin namespace: <see cref="Basic"/> (a user name and a bcrypt-hashed
/// password, as the Node instrument's <c>auth: { type: "basic", ... }</c>) or explicitly <see cref="None"/>.
/// </summary>
public sealed class AdminUIAuthentication
{
    private AdminUIAuthentication(string? username, string? passwordHash)
    {
        Username = username;
        PasswordHash = passwordHash;
    }

    /// <summary>
    /// No authentication: anyone who can reach the server can watch every socket and, unless
    /// <see cref="AdminUIOptions.ReadOnly"/>, disconnect them or emit to them. For local development only.
    /// </summary>
    public static AdminUIAuthentication None { get; } = new(null, null);

    /// <summary>
    /// The UI logs in with <paramref name="username"/> and a password whose bcrypt hash is <paramref name="passwordHash"/>
    /// (e.g. <c>$2b$10$...</c>, from <c>htpasswd -nbBC 10 "" password</c>, the bcrypt npm package or BCrypt.Net).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="username"/> is empty, or <paramref name="passwordHash"/> is not a bcrypt hash.</exception>
    public static AdminUIAuthentication Basic(string username, string passwordHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(passwordHash);
        if (!AdminUIPassword.IsBcryptHash(passwordHash))
        {
            throw new ArgumentException("The password must be a bcrypt hash ($2a$, $2b$ or $2y$, cost 4-31, 53 characters after the cost), not the password itself.", nameof(passwordHash));
        }

        return new AdminUIAuthentication(username, passwordHash);
    }

    /// <summary>The user name of basic authentication (null for <see cref="None"/>).</summary>
    public string? Username { get; }

    /// <summary>The bcrypt hash of basic authentication (null for <see cref="None"/>).</summary>
    public string? PasswordHash { get; }

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => Username is null;
}
