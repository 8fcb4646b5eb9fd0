using System.Text;

namespace CheckIn.Host.Hosting;

/// <summary>
/// The passenger UI (src/CheckIn.Web, built into the web root by WebUi.targets) at <c>/</c>: <c>index.html</c>
/// revalidated on every load, Vite's hashed <c>/assets/*</c> cached for a year, the page under a CSP without
/// <c>'unsafe-inline'</c>. Without a built UI (no Node.js when the host was built) <c>/</c> says in one sentence how
/// to get it. These are files, not API operations: no OpenAPI entry, no rate limit, no id-format check (both only
/// look at <c>/api</c>), GET and HEAD only.
/// </summary>
internal static partial class WebUi
{
    /// <summary>The page's policy: scripts, styles, fonts and fetches from this origin only; images also as data:/blob: (the QR code).</summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string IndexCacheControl = "no-cache";
    public const string AssetCacheControl = "public, max-age=31536000, immutable";
    public const string NotBuiltSentence =
        "Install Node.js 20.19 or later and run `dotnet run --project src/CheckIn.Host` again; the API is at /docs.";

    private const string IndexPath = "/index.html";
    private const string AssetsPath = "/assets";
    private const string ApiPath = "/api";

    private static readonly byte[] NotBuiltPage = Encoding.UTF8.GetBytes($"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Orleans.CheckIn: the passenger UI is not built</title></head>
        <body><main><h1>The passenger UI is not built</h1>
        <p>Install Node.js 20.19 or later and run <code>dotnet run --project src/CheckIn.Host</code> again; the API is at <a href="/docs">/docs</a>.</p>
        </main></body>
        </html>
        """);

    public static IServiceCollection AddCheckInWebUi(this IServiceCollection services) =>
        // Exact paths: a prefix "/" would give the whole API the page's policy. "/" itself answers with index.html
        // (or the not-built page), and "/index.html" is the same page under its own name.
        services.Configure<SecurityHeadersOptions>(o =>
        {
            o.ExactPagePolicies["/"] = PagePolicy;
            o.ExactPagePolicies[IndexPath] = PagePolicy;
        });

    /// <summary>Serves the web root; call after the security headers and problem pages, before anything that guards <c>/api</c>.</summary>
    public static IApplicationBuilder UseCheckInWebUi(this IApplicationBuilder app)
    {
        var environment = app.ApplicationServices.GetRequiredService<IWebHostEnvironment>();
        var files = environment.WebRootFileProvider;
        if (!files.GetFileInfo(IndexPath).Exists)
        {
            var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebUi));
            LogNotBuilt(logger, environment.WebRootPath ?? Path.Combine(environment.ContentRootPath, "wwwroot"));
        }

        app.Use((context, next) =>
        {
            var request = context.Request;
            if (!IsPagePath(request.Path))
            {
                return next(context);
            }
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            {
                // The status code pages turn this into the 405 problem that points at the Allow header; a problem,
                // not the page, so the API's policy even at "/".
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "GET, HEAD";
                context.Response.Headers.ContentSecurityPolicy = SecurityHeadersOptions.ApiPolicy;
                return Task.CompletedTask;
            }
            if (request.Path == "/")
            {
                if (!files.GetFileInfo(IndexPath).Exists)
                {
                    return WriteNotBuiltAsync(context);
                }
                request.Path = IndexPath;
            }
            return next(context);
        });
        // Never under /api: an API path is answered by the API (or its 404 problem), whatever lies in the web root.
        return app.UseWhen(static context => !context.Request.Path.StartsWithSegments(ApiPath), branch => branch.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = static file => file.Context.Response.Headers.CacheControl =
                file.Context.Request.Path.StartsWithSegments(AssetsPath) ? AssetCacheControl : IndexCacheControl,
        }));
    }

    /// <summary>The paths that are the UI's alone: the page and its hashed assets (anything else falls through to the API's 404).</summary>
    private static bool IsPagePath(PathString path) =>
        path == "/" || path == IndexPath || path.StartsWithSegments(AssetsPath);

    private static Task WriteNotBuiltAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = NotBuiltPage.Length;
        // Not cached: once the UI is built, the next load shows it.
        response.Headers.CacheControl = "no-store";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(NotBuiltPage, context.RequestAborted).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The passenger UI is not built (no index.html in {WebRoot}): / explains how to get it. " + NotBuiltSentence)]
    private static partial void LogNotBuilt(ILogger logger, string webRoot);
}
