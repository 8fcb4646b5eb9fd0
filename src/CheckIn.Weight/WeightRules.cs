using System.Globalization;

namespace CheckIn.Weight;

/// <summary>Pure rules for weights: the scale's resolution, the accepted range and the derived demo weight.</summary>
internal static class WeightRules
{
    public const decimal MinDerivedKg = 5.0m;
    public const decimal MaxDerivedKg = 30.0m;
    public const decimal MaxKg = 100m;

    // No thousands separator: "2,5" must fail rather than silently mean 25.
    private const NumberStyles ConfiguredNumber =
        NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    // 5.0, 5.1, ... 30.0: 251 steps of 0.1 kg.
    private const uint DerivedSteps = 251;

    /// <summary>
    /// A weight that is the same for a tag on every run and machine (FNV-1a, not <see cref="string.GetHashCode()"/>,
    /// which is randomised per process).
    /// </summary>
    public static decimal DerivedKg(string normalizedTag)
    {
        var hash = 2166136261u;
        foreach (var c in normalizedTag)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }
        return OneDecimal(MinDerivedKg + ((hash % DerivedSteps) / 10m));
    }

    /// <summary>Accepts weights in (0, 100] kg with at most one decimal place, the scale's resolution.</summary>
    public static bool TryAccept(decimal kg, out decimal accepted, out string reason)
    {
        accepted = 0m;
        if (kg <= 0m || kg > MaxKg)
        {
            reason = $"must be greater than 0 and at most {MaxKg} kg (was {kg}).";
            return false;
        }
        if (decimal.Round(kg, 1) != kg)
        {
            reason = $"must have at most one decimal place, the scale's resolution (was {kg}).";
            return false;
        }
        accepted = OneDecimal(kg);
        reason = "";
        return true;
    }

    /// <summary>Reads a configured weight (invariant culture, so "28.5" means the same everywhere).</summary>
    public static bool TryParse(string? text, out decimal accepted, out string reason)
    {
        if (!decimal.TryParse(text, ConfiguredNumber, CultureInfo.InvariantCulture, out var kg))
        {
            accepted = 0m;
            reason = $"must be a weight in kg such as 23.4 (was '{text}').";
            return false;
        }
        return TryAccept(kg, out accepted, out reason);
    }

    // Adding 0.0m gives every value exactly one decimal place, so 23 is sent as 23.0 like a scale display.
    private static decimal OneDecimal(decimal kg) => decimal.Round(kg, 1) + 0.0m;
}
