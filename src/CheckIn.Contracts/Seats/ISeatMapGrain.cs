using CheckIn.Contracts.Flights;
using Orleans.Concurrency;

namespace CheckIn.Contracts.Seats;

/// <summary>One seat of a seat map: layout plus current status. Holders stay private to the grain.</summary>
[GenerateSerializer, Immutable, Alias("checkin.SeatMapEntry")]
public sealed record SeatMapEntry(
    [property: Id(0)] string SeatNumber,
    [property: Id(1)] SeatStatus Status,
    [property: Id(2)] DateTimeOffset? HoldExpiresAt,
    [property: Id(3)] string? PassengerId);

/// <summary>
/// A flight's seat map at one version. <see cref="Version"/> is the sum of the seat versions it reflects, so it
/// only grows, survives the map grain's reactivation, and two different maps of one flight never share it.
/// </summary>
[GenerateSerializer, Immutable, Alias("checkin.SeatMapView")]
public sealed record SeatMapView(
    [property: Id(0)] string FlightId,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset LastUpdated,
    [property: Id(3)] IReadOnlyList<SeatMapEntry> Seats);

/// <summary>
/// The per-flight read model (key flight id) that seat grains keep current with one-way notifications. It is
/// persisted, so a seat map request costs at most one storage read and never calls every seat grain (except to
/// rebuild a snapshot its previous activation could not finish). It also nudges seats whose hold expiry has passed
/// (the sweep that catches expiry ticks lost in a failover).
/// </summary>
public interface ISeatMapGrain : IGrainWithStringKey
{
    /// <summary>The current map, or null when the flight does not exist.</summary>
    Task<SeatMapView?> GetAsync();

    /// <summary>
    /// Writes the first snapshot of a flight that was just created: every seat AVAILABLE or BLOCKED, version 0.
    /// Does nothing when a snapshot exists. Called by the flight grain while it creates the flight, with the
    /// definition it just wrote, so the map never calls the flight back while the flight waits for it.
    /// </summary>
    Task InitializeAsync(FlightInfo flight);

    /// <summary>Applies a seat's committed state if it is newer than what the map has.</summary>
    [OneWay]
    Task SeatChangedAsync(SeatSnapshot snapshot);
}
