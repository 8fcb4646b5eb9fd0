using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CheckIn.Host.Hosting;

/// <summary>
/// Which <c>Content-Security-Policy</c> a response gets. API answers (JSON, problems, health, images) are never
/// documents a browser should run anything from: <see cref="ApiPolicy"/>. Pages that run their own scripts get a
/// policy of their own: by exact path in <see cref="ExactPagePolicies"/> (the passenger UI's <c>/</c> and
/// <c>/index.html</c>, registered by <see cref="WebUi"/>: a prefix <c>/</c> would swallow the whole API), else by
/// path prefix in <see cref="PagePolicies"/>: Swagger UI and the Orleans Dashboard only forbid framing (their bundled
/// scripts and inline styles were not verified under a script-restricting policy).
/// </summary>
public sealed class SecurityHeadersOptions
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";
    public const string FramingOnlyPolicy = "frame-ancestors 'none'";

    /// <summary>Path prefix → policy; the longest matching prefix wins, anything else gets <see cref="ApiPolicy"/>.</summary>
    public Dictionary<string, string> PagePolicies { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/docs"] = FramingOnlyPolicy,
        ["/dashboard"] = FramingOnlyPolicy,
    };

    /// <summary>Exact path → policy (case-insensitive); wins over <see cref="PagePolicies"/>.</summary>
    public Dictionary<string, string> ExactPagePolicies { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The policy for a request path.</summary>
    public string PolicyFor(PathString path)
    {
        if (path.HasValue && ExactPagePolicies.TryGetValue(path.Value!, out var exact))
        {
            return exact;
        }
        var best = "";
        var policy = ApiPolicy;
        foreach (var (prefix, value) in PagePolicies)
        {
            if (prefix.Length > best.Length && path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                (best, policy) = (prefix, value);
            }
        }
        return policy;
    }
}

/// <summary>
/// Security headers on every response, whoever writes it (an endpoint, a problem, the exception handler, a 404, the
/// dashboard, static files): set when the response starts, so a handler that clears the response cannot drop them.
/// </summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<SecurityHeadersOptions>>().Value;
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var (http, policies) = ((HttpContext, SecurityHeadersOptions))state;
                var headers = http.Response.Headers;
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers[HeaderNames.XFrameOptions] = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
                {
                    headers[HeaderNames.ContentSecurityPolicy] = policies.PolicyFor(http.Request.Path);
                }
                return Task.CompletedTask;
            }, (context, options));
            return next(context);
        });
    }
}
