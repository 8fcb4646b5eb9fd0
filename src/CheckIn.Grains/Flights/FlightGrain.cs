using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using Microsoft.Extensions.Logging;

namespace CheckIn.Grains.Flights;

internal sealed class FlightState
{
    public FlightInfo? Flight { get; set; }
}

/// <summary>
/// Owns a flight's definition. Written once; idempotent create. The first creation also gives the flight's seat map
/// its first snapshot.
/// </summary>
internal sealed partial class FlightGrain(
    [PersistentState("flight", StorageNames.Default)] IPersistentState<FlightState> state,
    TimeProvider time,
    ILogger<FlightGrain> logger) : Grain, IFlightGrain
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
            await InitializeSeatMapAsync(created.Value);
        }
        return created;
    }

    public Task<FlightInfo?> GetAsync() => Task.FromResult(state.State.Flight);

    /// <summary>
    /// Gives the seat map its first snapshot, so that its first read costs one storage read. The flight exists
    /// either way: a map without a snapshot builds itself from the seats on its first read (the slow path).
    /// </summary>
    private async Task InitializeSeatMapAsync(FlightInfo flight)
    {
        try
        {
            await GrainFactory.GetSeatMapGrain(flight.FlightId).InitializeAsync(flight);
        }
        catch (Exception ex)
        {
            LogSeatMapNotInitialized(logger, ex, flight.FlightId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flight {FlightId} created, but its seat map snapshot was not written; the first seat map read builds it from the seats")]
    private static partial void LogSeatMapNotInitialized(ILogger logger, Exception exception, string flightId);
}
