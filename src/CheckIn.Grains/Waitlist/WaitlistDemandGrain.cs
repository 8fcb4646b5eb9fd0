using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Waitlist;

namespace CheckIn.Grains.Waitlist;

internal sealed class WaitlistDemandState
{
    public List<Cabin> Cabins { get; set; } = [];
}

/// <summary>
/// Which cabins of a flight have someone waiting. Written by the waitlist grain only (before it reports an entry
/// WAITING, after the last entry of a cabin ends), read by seats as they become free. Persisted, so a seat never
/// hears "nobody waits" because this grain lost its memory.
/// </summary>
internal sealed class WaitlistDemandGrain(
    [PersistentState("waitlist-demand", StorageNames.Default)] IPersistentState<WaitlistDemandState> state) : Grain, IWaitlistDemandGrain
{
    public Task<bool> HasDemandAsync(Cabin cabin) => Task.FromResult(state.State.Cabins.Contains(cabin));

    public async Task SetAsync(IReadOnlyList<Cabin> cabins)
    {
        var wanted = cabins.Distinct().Order().ToList();
        if (wanted.SequenceEqual(state.State.Cabins))
        {
            return;
        }
        state.State.Cabins = wanted;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.ReadStateAsync();
            throw;
        }
    }
}
