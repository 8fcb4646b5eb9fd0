using CheckIn.Grains.Abuse;

namespace CheckIn.Grains.Seats;

/// <summary>
/// A passenger's recent hold cycles and cooldown, as <see cref="PassengerSeatGrain"/> keeps them: at most
/// <c>HoldCycles</c> cycle times (oldest first) and the end of the current cooldown, if any.
/// </summary>
internal sealed record HoldCycleHistory(IReadOnlyList<DateTimeOffset> Cycles, DateTimeOffset? CooldownUntil)
{
    public static HoldCycleHistory Empty { get; } = new([], null);
}

/// <summary>The result of recording one cycle: the history to keep and, when this cycle started a cooldown, how many cycles did it.</summary>
internal sealed record HoldCycleDecision(HoldCycleHistory History, int? CooldownStartedAfter);

/// <summary>
/// The seat-locking rule as pure functions of (history, now, settings). A cycle is a seat the passenger HELD (not
/// confirmed) that stopped being theirs by their own release or their next hold; more than
/// <see cref="RateLimitOptions.HoldCycles"/> cycles within <see cref="RateLimitOptions.HoldCycleWindow"/> start a
/// cooldown of <see cref="RateLimitOptions.HoldCooldown"/>. A cooldown starts the count afresh: the cycles that caused
/// it are not counted again once it ends.
/// </summary>
internal static class HoldCycleRules
{
    /// <summary>When the passenger may hold again, or null when they may hold now.</summary>
    public static DateTimeOffset? CooldownEnd(HoldCycleHistory history, DateTimeOffset now) =>
        history.CooldownUntil is { } until && until > now ? until : null;

    public static HoldCycleDecision RecordCycle(HoldCycleHistory history, DateTimeOffset now, RateLimitOptions options)
    {
        // A cycle exactly HoldCycleWindow old has left the window.
        var windowStart = now - options.HoldCycleWindow;
        var recent = history.Cycles.Where(at => at > windowStart).Append(now).ToList();
        if (recent.Count > options.HoldCycles)
        {
            return new HoldCycleDecision(new HoldCycleHistory([], now + options.HoldCooldown), recent.Count);
        }
        // Bounded by construction: at most HoldCycles times stay (one more starts a cooldown, which clears them).
        return new HoldCycleDecision(history with { Cycles = recent }, null);
    }
}
