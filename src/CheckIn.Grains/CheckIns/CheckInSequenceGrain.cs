using CheckIn.Contracts.CheckIns;

namespace CheckIn.Grains.CheckIns;

internal sealed class CheckInSequenceState
{
    public int Last { get; set; }
}

/// <summary>A flight's check-in sequence counter: each number is durable before it is handed out, so none repeats.</summary>
internal sealed class CheckInSequenceGrain(
    [PersistentState("checkin-sequence", StorageNames.Default)] IPersistentState<CheckInSequenceState> state) : Grain, ICheckInSequenceGrain
{
    public async Task<int> NextAsync()
    {
        state.State.Last++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The write may or may not have landed: take storage's word for it (a number may be skipped, never repeated).
            await state.ReadStateAsync();
            throw;
        }
        return state.State.Last;
    }
}
