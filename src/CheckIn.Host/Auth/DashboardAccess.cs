using System.Text;
using CheckIn.Host.Abuse;
using CheckIn.Host.Api;
using CheckIn.Host.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CheckIn.Host.Auth;

/// <summary>
/// The Orleans Dashboard has no authentication of its own and shows grain state and (unless hidden) the live log.
/// In durable mode every request under <see cref="PathPrefix"/> needs HTTP Basic credentials whose password is the
/// admin key (any user name), compared in constant time; a browser asks for them itself on the 401. Embedded mode
/// (the local demo) leaves it open and says so at start.
/// </summary>
internal static class DashboardAccess
{
    public const string PathPrefix = "/dashboard";
    public const string Challenge = "Basic realm=\"Orleans.CheckIn dashboard\", charset=\"UTF-8\"";

    /// <summary>Whether the dashboard's live log stream is hidden: <c>CheckIn:Dashboard:ShowLogs</c>, else hidden in durable mode.</summary>
    public static bool HideLogs(IConfiguration configuration, RunMode mode) =>
        configuration.GetValue<bool?>(DashboardSettings.ShowLogsSetting) is { } show ? !show : mode.IsDurable;

    public static IApplicationBuilder UseDashboardAccess(this IApplicationBuilder app, RunMode mode)
    {
        if (!mode.IsDurable)
        {
            return app;
        }
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var expected = context.RequestServices.GetRequiredService<IOptions<CheckInOptions>>().Value.AdminKey ?? "";
                var authorization = context.Request.Headers.Authorization.ToString();
                if (Password(authorization) is not { } given || !AdminKey.Matches(given, expected))
                {
                    // A browser's first visit sends no credential and is not a guess; a wrong one is a failed sign-in,
                    // and past the client's limit it is 429, not another guess.
                    var refusal = authorization.Length == 0 ? null
                        : await context.RequestServices.GetRequiredService<ClientGuard>().CountFailedSignInAsync(context);
                    if (refusal is null)
                    {
                        context.Response.Headers[HeaderNames.WWWAuthenticate] = Challenge;
                    }
                    await (refusal ?? Problems.Create(401, ProblemCodes.AdminKeyInvalid,
                        "The dashboard needs the admin key as the password of HTTP Basic authentication (any user name).")).ExecuteAsync(context);
                    return;
                }
            }
            await next(context);
        });
    }

    /// <summary>The password of a <c>Basic</c> Authorization header, or null when there is none or it is malformed.</summary>
    internal static string? Password(string authorization)
    {
        const string scheme = "Basic ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var encoded = authorization[scheme.Length..].Trim();
        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : decoded[(colon + 1)..];
    }
}
