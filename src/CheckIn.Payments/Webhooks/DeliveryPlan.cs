using System.Globalization;
using System.Diagnostics.CodeAnalysis;

namespace CheckIn.Payments;

/// <summary>Test controls on a transition: send the event <see cref="Duplicates"/> extra times, after <see cref="Delay"/>.</summary>
internal sealed record DeliveryPlan(int Duplicates, TimeSpan Delay)
{
    public const int MaxDuplicates = 10;
    public const int MaxDelayMs = 300_000;

    public static DeliveryPlan Immediate { get; } = new(0, TimeSpan.Zero);

    public static bool TryParse(
        string? duplicates,
        string? delayMs,
        [NotNullWhen(true)] out DeliveryPlan? plan,
        [NotNullWhen(false)] out PaymentError? error)
    {
        plan = null;
        error = null;
        var copies = 0;
        var delay = 0;
        if (duplicates is not null && !TryParseInRange(duplicates, MaxDuplicates, out copies))
        {
            error = PaymentError.InvalidDuplicates($"duplicates must be an integer from 0 to {MaxDuplicates}.");
            return false;
        }
        if (delayMs is not null && !TryParseInRange(delayMs, MaxDelayMs, out delay))
        {
            error = PaymentError.InvalidDelay($"delayMs must be an integer from 0 to {MaxDelayMs}.");
            return false;
        }
        plan = new DeliveryPlan(copies, TimeSpan.FromMilliseconds(delay));
        return true;
    }

    private static bool TryParseInRange(string raw, int max, out int value) =>
        int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= max;
}

internal static class DeliveryBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): 0.5 s, 1 s, 2 s, … capped at 30 s.</summary>
    public static TimeSpan After(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var exponent = Math.Min(attempt - 1, 16);
        var wait = TimeSpan.FromTicks(First.Ticks << exponent);
        return wait < Cap ? wait : Cap;
    }
}
