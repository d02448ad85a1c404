using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace TypedSockets.Server.Hosting;

/// <summary>
/// Answers GET and HEAD for the Admin UI page's files (the endpoint <c>{path}/{**file}</c>). The page is a single
/// index.html with relative asset paths and a hash router, so there is no fallback: "{path}" redirects to "{path}/",
/// "{path}/" is index.html, and any other name is a file of the folder or 404. Stateless and thread safe.
/// </summary>
internal sealed class AdminUIStaticFiles(IFileProvider files)
{
    public const string LoggerCategory = "TypedSockets.Server.AdminUI.Page";

    /// <summary>Bundles named with a content hash (app.0d7d7845.js): a new release has new names, so they never change.</summary>
    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    /// <summary>index.html and unhashed files: kept, but checked with the server (ETag) before each use.</summary>
    public const string RevalidateCacheControl = "no-cache";

    private static readonly FileExtensionContentTypeProvider s_contentTypes = CreateContentTypes();

    /// <summary>"/admin-ui/" or "admin-ui" to "/admin-ui"; "/" to "" (served at the root). Route syntax is refused.</summary>
    public static string NormalizePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.Trim().TrimEnd('/');
        if (trimmed.AsSpan().IndexOfAny("{}*?#\\") >= 0 || trimmed.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not a plain URL path for the Admin UI page (like \"/admin-ui\").", nameof(path));
        }

        return trimmed.Length == 0 || trimmed[0] == '/' ? trimmed : "/" + trimmed;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var name = request.RouteValues["file"] as string ?? "";
        if (name.Length == 0)
        {
            var requestPath = request.Path.Value ?? "";
            if (!requestPath.EndsWith('/'))
            {
                // The page's assets are relative ("js/app.js"): they resolve under the folder only from "{path}/".
                response.StatusCode = StatusCodes.Status301MovedPermanently;
                response.Headers.Location = request.PathBase + request.Path + "/" + request.QueryString;
                return Task.CompletedTask;
            }

            name = "index.html";
        }

        if (!IsSafeName(name) || files.GetFileInfo(name) is not { Exists: true, IsDirectory: false } file)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var headers = response.Headers;
        headers.ContentType = s_contentTypes.TryGetContentType(name, out var contentType) ? contentType : "application/octet-stream";
        headers.CacheControl = IsContentHashed(name) ? ImmutableCacheControl : RevalidateCacheControl;
        headers.XContentTypeOptions = "nosniff";
        var lastModified = file.LastModified.ToUniversalTime();
        var etag = new EntityTagHeaderValue(
            "\"" + lastModified.ToUnixTimeSeconds().ToString("x", CultureInfo.InvariantCulture) + "-" +
            file.Length.ToString("x", CultureInfo.InvariantCulture) + "\"");
        headers.ETag = etag.ToString();
        headers.LastModified = HeaderUtilities.FormatDate(lastModified);

        var typed = request.GetTypedHeaders();
        if (typed.IfNoneMatch is { Count: > 0 } ifNoneMatch
            && ifNoneMatch.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(etag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentLength = file.Length;
        if (HttpMethods.IsHead(request.Method))
        {
            return Task.CompletedTask;
        }

        // Without a token SendFileAsync uses RequestAborted and ends quietly when the browser goes away.
        return response.SendFileAsync(file);
    }

    /// <summary>Plain relative names only: no "." or ".." segment, no empty segment, no backslash, colon or control character.</summary>
    internal static bool IsSafeName(string name)
    {
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return false;
            }

            foreach (var c in segment)
            {
                if (c is '\\' or ':' || char.IsControl(c))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>"app.0d7d7845.js", "logo-dark.3727fec5.svg": a dot-separated part of 8 or more hex digits before the extension.</summary>
    internal static bool IsContentHashed(string name)
    {
        var fileName = Path.GetFileNameWithoutExtension(name.AsSpan());
        var dot = fileName.LastIndexOf('.');
        if (dot < 0)
        {
            return false;
        }

        var hash = fileName[(dot + 1)..];
        return hash.Length >= 8 && !hash.ContainsAnyExcept("0123456789abcdefABCDEF");
    }

    private static FileExtensionContentTypeProvider CreateContentTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".map"] = "application/json";
        return provider;
    }
}
