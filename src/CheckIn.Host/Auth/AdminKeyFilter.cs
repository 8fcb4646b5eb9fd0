using System.Security.Cryptography;
using System.Text;
using CheckIn.Host.Api;
using CheckIn.Host.Hosting;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Auth;

/// <summary>Admits a request only with the right <c>X-Admin-Key</c>, compared in constant time.</summary>
internal sealed class AdminKeyFilter(IOptions<CheckInOptions> options) : IEndpointFilter
{
    public const string Header = "X-Admin-Key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (!Matches(given, options.Value.AdminKey ?? ""))
        {
            return ValueTask.FromResult<object?>(Problems.Create(401, ProblemCodes.AdminKeyInvalid, $"Send the admin key in the {Header} header."));
        }
        return next(context);
    }

    private static bool Matches(string given, string expected)
    {
        // Hashing first makes the comparison constant-time regardless of the lengths.
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(a, b);
    }
}
