using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CheckIn.Payments;

/// <summary>The result of <see cref="WebhookSignature.Verify"/>.</summary>
public enum WebhookCheck
{
    Valid,
    MissingHeader,
    MalformedHeader,
    OutsideTolerance,
    BadSignature,
}

/// <summary>
/// Signs and verifies webhook bodies: <c>Payment-Signature: v1=&lt;hex HMAC-SHA256(secret, "&lt;timestamp&gt;." + body)&gt;</c>
/// with <c>Payment-Timestamp: &lt;unix seconds&gt;</c>. The timestamp is inside the MAC, so a captured request cannot be
/// replayed outside the tolerance window. Several comma-separated <c>v1=</c> values are allowed (secret rotation).
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "Payment-Timestamp";
    public const string SignatureHeader = "Payment-Signature";

    private const string Scheme = "v1=";
    private const int MacHexLength = 64;
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Scheme + Convert.ToHexStringLower(ComputeMac(secret, unixSeconds, body));
    }

    public static WebhookCheck Verify(
        string secret,
        string? timestampHeader,
        string? signatureHeader,
        ReadOnlySpan<byte> body,
        DateTimeOffset now,
        TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(timestampHeader) || string.IsNullOrWhiteSpace(signatureHeader))
        {
            return WebhookCheck.MissingHeader;
        }
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds)
            || unixSeconds > MaxUnixSeconds
            || !TryParseMacs(signatureHeader, out var candidates))
        {
            return WebhookCheck.MalformedHeader;
        }
        if ((now - DateTimeOffset.FromUnixTimeSeconds(unixSeconds)).Duration() > tolerance)
        {
            return WebhookCheck.OutsideTolerance;
        }
        var expected = ComputeMac(secret, unixSeconds, body);
        var matched = false;
        foreach (var candidate in candidates)
        {
            // No early exit: every candidate is compared in constant time.
            matched |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        }
        return matched ? WebhookCheck.Valid : WebhookCheck.BadSignature;
    }

    private static bool TryParseMacs(string header, out List<byte[]> macs)
    {
        macs = [];
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith(Scheme, StringComparison.Ordinal))
            {
                continue; // other schemes are ignored so a future v2 can be added alongside v1
            }
            var hex = part.AsSpan(Scheme.Length);
            var mac = new byte[MacHexLength / 2];
            if (hex.Length != MacHexLength
                || Convert.FromHexString(hex, mac, out _, out var written) != OperationStatus.Done
                || written != mac.Length)
            {
                return false;
            }
            macs.Add(mac);
        }
        return macs.Count > 0;
    }

    private static byte[] ComputeMac(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
