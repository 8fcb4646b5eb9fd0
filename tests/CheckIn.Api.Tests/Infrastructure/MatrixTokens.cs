using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>
/// Bearer tokens an attacker could present, each derived from a real session token of the victim so that only the
/// one defect named by the method stands between it and the victim's booking.
/// </summary>
public static class MatrixTokens
{
    /// <summary>Random bytes in base64: not a JWT at all.</summary>
    public static string Garbage() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    /// <summary>The token exactly as issued, except one bit of its signature.</summary>
    public static string WithAlteredSignature(string token)
    {
        var parts = Split(token);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[0] ^= 0x01;
        return $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>The token's claims with its times moved <paramref name="age"/> into the past, signed with <paramref name="signingKey"/>.</summary>
    public static string Reissued(string token, string signingKey, TimeSpan age)
    {
        var payload = Payload(token);
        foreach (var claim in new[] { "iat", "nbf", "exp" })
        {
            payload[claim] = payload[claim]!.GetValue<long>() - (long)age.TotalSeconds;
        }
        return Sign(payload, signingKey);
    }

    /// <summary>The token's claims, unchanged and current, signed with a key the host does not know.</summary>
    public static string SignedWithAnotherKey(string token) => Sign(Payload(token), Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));

    /// <summary>The token's claims, unchanged and current, with <c>"alg": "none"</c> and no signature.</summary>
    public static string Unsigned(string token)
    {
        var header = Encode(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" });
        return $"{header}.{Split(token)[1]}.";
    }

    private static string Sign(JsonObject payload, string key)
    {
        var unsigned = $"{Encode(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" })}.{Encode(payload)}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Base64Url.EncodeToString(signature)}";
    }

    private static JsonObject Payload(string token) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(Split(token)[1]))!.AsObject();

    private static string Encode(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private static string[] Split(string token)
    {
        var parts = token.Split('.');
        return parts.Length == 3 ? parts : throw new ArgumentException("Not a compact JWS (header.payload.signature).", nameof(token));
    }
}
