namespace CheckIn.Weight;

/// <summary>
/// Bag tag rules. Real IATA licence plates are 10 digits, but demos use short readable tags, so any
/// 1–20 character A–Z/0–9 string is accepted and compared in upper case.
/// </summary>
internal static class BagTag
{
    public const int MaxLength = 20;

    public static bool TryNormalize(string? raw, out string tag)
    {
        tag = "";
        if (string.IsNullOrEmpty(raw) || raw.Length > MaxLength)
        {
            return false;
        }
        foreach (var c in raw)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }
        tag = raw.ToUpperInvariant();
        return true;
    }
}
