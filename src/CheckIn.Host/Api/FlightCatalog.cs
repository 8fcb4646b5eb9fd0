using System.Collections.Concurrent;
using CheckIn.Contracts;
using CheckIn.Contracts.Flights;

namespace CheckIn.Host.Api;

/// <summary>
/// This process's copy of flight definitions. A created flight never changes, so a found flight is kept for
/// <see cref="KeptFor"/> and then asked for again if still needed (<see cref="HostCacheSweeper"/> drops it): a host
/// that served thousands of flights over days keeps only the recent ones. A missing flight is asked again next time.
/// </summary>
internal sealed class FlightCatalog(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How long a found flight is kept before it is asked for again.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Entry> _flights = new(StringComparer.Ordinal);

    /// <summary>The flights this process keeps.</summary>
    public int Count => _flights.Count;

    public async ValueTask<FlightInfo?> FindAsync(string flightId)
    {
        if (_flights.TryGetValue(flightId, out var cached))
        {
            return cached.Flight;
        }
        var flight = await grains.GetFlightGrain(flightId).GetAsync();
        if (flight is not null)
        {
            _flights.TryAdd(flightId, new Entry(flight, time.GetTimestamp()));
        }
        return flight;
    }

    /// <summary>Drops the flights found <see cref="KeptFor"/> ago or earlier.</summary>
    public void EvictOld()
    {
        var now = time.GetTimestamp();
        foreach (var entry in _flights)
        {
            if (time.GetElapsedTime(entry.Value.LoadedAt, now) >= KeptFor)
            {
                _flights.TryRemove(entry);
            }
        }
    }

    private sealed record Entry(FlightInfo Flight, long LoadedAt);
}
