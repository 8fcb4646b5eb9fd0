using CheckIn.Contracts.Common;

namespace CheckIn.Contracts.Flights;

/// <summary>One flight's definition and seat layout (keyed by flight id). It never changes seat state.</summary>
public interface IFlightGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the flight. Creating it again with the same definition returns the existing flight;
    /// a different definition fails with <see cref="CheckIn.Contracts.Common.FailureCode.FlightExists"/>.
    /// </summary>
    Task<Result<FlightInfo>> CreateAsync(FlightDefinition definition);

    /// <summary>The flight, or null when it was never created.</summary>
    Task<FlightInfo?> GetAsync();
}
