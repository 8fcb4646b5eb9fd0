using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;

namespace CheckIn.Grains.Flights;

internal sealed class FlightState
{
    public FlightInfo? Flight { get; set; }
}

/// <summary>Owns a flight's definition. Written once; idempotent create.</summary>
internal sealed class FlightGrain(
    [PersistentState("flight", StorageNames.Default)] IPersistentState<FlightState> state,
    TimeProvider time) : Grain, IFlightGrain
{
    public async Task<Result<FlightInfo>> CreateAsync(FlightDefinition definition)
    {
        if (definition.FlightId != this.GetPrimaryKeyString())
        {
            return Result<FlightInfo>.Fail(FailureCode.ValidationFailed, "flightId does not match the grain key.", "flightId");
        }
        if (state.State.Flight is { } existing)
        {
            return FlightRules.SameDefinition(existing.Definition, definition)
                ? Result<FlightInfo>.Ok(existing)
                : Result<FlightInfo>.Fail(FailureCode.FlightExists, $"Flight {definition.FlightId} already exists with a different definition.", "flightId");
        }
        var created = FlightRules.Create(definition, time.GetUtcNow());
        if (created.IsSuccess)
        {
            state.State.Flight = created.Value;
            await state.WriteStateAsync();
        }
        return created;
    }

    public Task<FlightInfo?> GetAsync() => Task.FromResult(state.State.Flight);
}
