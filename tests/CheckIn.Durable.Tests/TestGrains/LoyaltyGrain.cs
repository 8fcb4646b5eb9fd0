using CheckIn.Grains;

namespace CheckIn.Durable.Tests.TestGrains;

public interface ILoyaltyGrain : IGrainWithStringKey
{
    Task Earn(string flightId, int miles, LoyaltyTier tier);

    /// <summary>"tier;total;flights;miles-per-flight" so one call shows the whole state.</summary>
    Task<string> Describe();
}

public enum LoyaltyTier
{
    Blue = 1,
    Silver = 2,
    Gold = 3,
}

/// <summary>Shaped like the real grain states: internal, sealed, get/set properties, collections and an enum.</summary>
internal sealed class LoyaltyState
{
    public LoyaltyTier Tier { get; set; } = LoyaltyTier.Blue;

    public List<string> Flights { get; set; } = [];

    public Dictionary<string, int> MilesByFlight { get; set; } = [];

    public DateTimeOffset? LastEarnedAt { get; set; }
}

internal sealed class LoyaltyGrain(
    [PersistentState("loyalty", StorageNames.Default)] IPersistentState<LoyaltyState> state)
    : Grain, ILoyaltyGrain
{
    public async Task Earn(string flightId, int miles, LoyaltyTier tier)
    {
        state.State.Tier = tier;
        state.State.Flights.Add(flightId);
        state.State.MilesByFlight[flightId] = miles;
        state.State.LastEarnedAt = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await state.WriteStateAsync();
    }

    public Task<string> Describe()
    {
        var s = state.State;
        var perFlight = string.Join(",", s.MilesByFlight.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        return Task.FromResult($"{s.Tier};{s.MilesByFlight.Values.Sum()};{string.Join(",", s.Flights)};{perFlight}");
    }
}
