using System.Security.Cryptography;
using System.Text;
using CheckIn.Host.Abuse;
using CheckIn.Host.Api;
using CheckIn.Host.Hosting;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Auth;

/// <summary>
/// Admits a request under <see cref="PathPrefix"/> only with the right <c>X-Admin-Key</c>, compared in constant
/// time. It is middleware, not an endpoint filter, because filters run after the body is bound and routing picks a
/// 415 endpoint of its own for a wrong content type: a caller without the key gets 401 whatever it sent, never a
/// 400, 404, 405 or 415 that tells it how the admin API reads its input.
/// </summary>
internal static class AdminKey
{
    public const string Header = "X-Admin-Key";

    /// <summary>Every admin route group lives under this path.</summary>
    public const string PathPrefix = "/api/admin";

    public static IApplicationBuilder UseAdminKeyCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var expected = context.RequestServices.GetRequiredService<IOptions<CheckInOptions>>().Value.AdminKey ?? "";
            if (!Matches(context.Request.Headers[Header].ToString(), expected))
            {
                // A wrong or missing key is a failed sign-in: past the client's limit it is 429, not another guess.
                var refusal = await context.RequestServices.GetRequiredService<ClientGuard>().CountFailedSignInAsync(context);
                await (refusal ?? Problems.Create(401, ProblemCodes.AdminKeyInvalid, $"Send the admin key in the {Header} header.")).ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });

    internal static bool Matches(string given, string expected)
    {
        // Hashing first makes the comparison constant-time regardless of the lengths.
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(a, b);
    }
}
