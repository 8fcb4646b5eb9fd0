using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CheckIn.Grains.Telemetry;

/// <summary>
/// Where log lines need to say which passenger without saying who: a passenger id carries the booking reference (half
/// of the sign-in credential), so logs carry <c>psg_</c> + 16 hex of an HMAC of it instead. The same passenger gets the
/// same pseudonym on every silo that shares <see cref="PseudonymOptions.Key"/>; without the key it cannot be reversed
/// by trying booking references. Audit records keep the real id (they are the access-controlled trail).
/// </summary>
public sealed class Pseudonyms
{
    private readonly byte[] _key;

    public Pseudonyms(IOptions<PseudonymOptions> options)
    {
        var key = options.Value.Key;
        // No key configured (tests, a bare silo): a random one, so lines still correlate within this process.
        _key = string.IsNullOrEmpty(key) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);
    }

    /// <summary>The pseudonym of <paramref name="passengerId"/>; null stays null.</summary>
    public string? Passenger(string? passengerId)
    {
        if (passengerId is null)
        {
            return null;
        }
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(passengerId), mac);
        return "psg_" + Convert.ToHexStringLower(mac[..8]);
    }
}

/// <summary>The key of <see cref="Pseudonyms"/> (<c>CheckIn:Telemetry:PseudonymKey</c>; the host derives one from its token signing key when unset).</summary>
public sealed class PseudonymOptions
{
    public string? Key { get; set; }
}
