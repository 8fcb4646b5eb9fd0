using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Waitlist;
using Orleans.Storage;

namespace CheckIn.Grains.Waitlist;

internal sealed class WaitlistDemandState
{
    public List<Cabin> Cabins { get; set; } = [];
}

/// <summary>
/// Which cabins of a flight have someone waiting. Written by the waitlist grain only, through this grain (before it
/// reports an entry WAITING, after the last entry of a cabin ends); this grain answers only once the row is stored.
/// Seats read that stored row directly (<see cref="WaitlistDemand"/>), never this grain: a release must not wait on
/// one per-flight grain, nor fail when that grain's silo is down.
/// </summary>
internal sealed class WaitlistDemandGrain(
    [PersistentState(WaitlistDemand.StateName, StorageNames.Default)] IPersistentState<WaitlistDemandState> state) : Grain, IWaitlistDemandGrain
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

/// <summary>
/// The demand flag as a freed seat reads it: from the row <see cref="WaitlistDemandGrain"/> stored, through grain
/// storage, so the read touches no other silo. Exact: the waitlist awaits the stored "demand" before it writes a
/// WAITING entry, so a seat freed after that reads it.
/// </summary>
internal static class WaitlistDemand
{
    public const string StateName = "waitlist-demand";

    public static async Task<bool> HasDemandAsync(IGrainStorage storage, GrainId demandGrain, Cabin cabin)
    {
        var row = new GrainState<WaitlistDemandState>(new WaitlistDemandState());
        await storage.ReadStateAsync(StateName, demandGrain, row);
        return row.State?.Cabins.Contains(cabin) == true;
    }
}
