using System.Collections.Concurrent;
using CheckIn.Contracts;
using CheckIn.Contracts.Flights;

namespace CheckIn.Host.Api;

/// <summary>
/// This process's copy of flight definitions. A created flight never changes, so a found flight is cached for
/// good; a missing one is asked again next time.
/// </summary>
internal sealed class FlightCatalog(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, FlightInfo> _flights = new(StringComparer.Ordinal);

    public async ValueTask<FlightInfo?> FindAsync(string flightId)
    {
        if (_flights.TryGetValue(flightId, out var cached))
        {
            return cached;
        }
        var flight = await grains.GetFlightGrain(flightId).GetAsync();
        if (flight is not null)
        {
            _flights.TryAdd(flightId, flight);
        }
        return flight;
    }
}
