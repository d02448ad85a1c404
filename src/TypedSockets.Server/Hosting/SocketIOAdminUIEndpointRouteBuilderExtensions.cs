using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using TypedSockets.Server;
using TypedSockets.Server.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the Socket.IO Admin UI page (the built <c>ui/dist</c> folder of npm <c>@socket.io/admin-ui</c>) from the app.</summary>
public static class SocketIOAdminUIEndpointRouteBuilderExtensions
{
    /// <summary>
    /// The folder, under the app's output folder (<see cref="AppContext.BaseDirectory"/>), where the
    /// <c>TypedSocketsAdminUI</c> build target of the TypedSockets.Server package copies the UI: "socket.io-admin-ui".
    /// </summary>
    public const string DefaultFolderName = "socket.io-admin-ui";

    /// <summary>
    /// Serves the Admin UI page at <paramref name="path"/> (default "/admin-ui"; the page opens at "/admin-ui/", and
    /// "/admin-ui" redirects there) from <paramref name="folder"/>: by default the "socket.io-admin-ui" folder that the
    /// build copies to the output folder (set <c>&lt;TypedSocketsAdminUI&gt;true&lt;/TypedSocketsAdminUI&gt;</c> in the app's
    /// project, see docs/admin-ui.md); a relative folder is taken from <see cref="AppContext.BaseDirectory"/>.
    /// The page only shows data once the server's Admin UI namespace is enabled (<c>AddAdminUI</c>); the user signs in
    /// on the page with that namespace's credentials. The returned builder takes endpoint metadata
    /// (RequireAuthorization, RequireHost...).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist, or has no index.html.</exception>
    public static IEndpointConventionBuilder MapSocketIOAdminUI(
        this IEndpointRouteBuilder endpoints,
        string path = "/admin-ui",
        string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var root = Path.GetFullPath(folder ?? DefaultFolderName, AppContext.BaseDirectory);
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            throw new DirectoryNotFoundException(
                $"The Socket.IO Admin UI page was not found in '{root}' (no index.html). Add \"@socket.io/admin-ui\" to the " +
                "app's package.json, run npm ci, and set <TypedSocketsAdminUI>true</TypedSocketsAdminUI> in the app's project so " +
                "the build copies node_modules/@socket.io/admin-ui/ui/dist to the output folder; or pass the folder that holds " +
                "ui/dist's files.");
        }

        return MapSocketIOAdminUI(endpoints, path, new PhysicalFileProvider(root), root);
    }

    /// <summary>
    /// Serves the Admin UI page at <paramref name="path"/> (the page opens at <paramref name="path"/> followed by "/")
    /// from <paramref name="files"/>, which holds the files of <c>ui/dist</c> of npm <c>@socket.io/admin-ui</c>
    /// (index.html at its root). Only GET and HEAD are answered.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="files"/> has no index.html.</exception>
    public static IEndpointConventionBuilder MapSocketIOAdminUI(
        this IEndpointRouteBuilder endpoints,
        string path,
        IFileProvider files)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(files);
        if (!files.GetFileInfo("index.html").Exists)
        {
            throw new DirectoryNotFoundException("The file provider given for the Socket.IO Admin UI has no index.html at its root (it should hold ui/dist of npm @socket.io/admin-ui).");
        }

        return MapSocketIOAdminUI(endpoints, path, files, files.GetType().Name);
    }

    private static IEndpointConventionBuilder MapSocketIOAdminUI(IEndpointRouteBuilder endpoints, string path, IFileProvider files, string source)
    {
        var prefix = AdminUIStaticFiles.NormalizePath(path);
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(AdminUIStaticFiles.LoggerCategory);
        var handler = new AdminUIStaticFiles(files);
        SocketIOLog.AdminUIServed(logger, prefix.Length == 0 ? "/" : prefix + "/", source);
        return endpoints
            .MapMethods(prefix + "/{**file}", [HttpMethods.Get, HttpMethods.Head], handler.InvokeAsync)
            .WithDisplayName("Socket.IO Admin UI " + (prefix.Length == 0 ? "/" : prefix + "/"));
    }
}
