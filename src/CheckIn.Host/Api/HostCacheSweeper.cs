using System.Diagnostics.Metrics;
using CheckIn.Grains.Telemetry;

namespace CheckIn.Host.Api;

/// <summary>
/// Keeps this process's per-flight copies bounded by what is still in use: every <see cref="Period"/> it drops seat
/// maps nobody read for <see cref="SeatMapCache.IdleAfter"/> and flight definitions older than
/// <see cref="FlightCatalog.KeptFor"/>. <c>checkin.host.cached_flights</c> reports how many of each the process keeps.
/// </summary>
internal sealed class HostCacheSweeper : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    private readonly SeatMapCache _maps;
    private readonly FlightCatalog _flights;
    private readonly TimeProvider _time;

    public HostCacheSweeper(SeatMapCache maps, FlightCatalog flights, TimeProvider time, IMeterFactory meters)
    {
        _maps = maps;
        _flights = flights;
        _time = time;
        meters.Create(CheckInMetrics.MeterName).CreateObservableGauge("checkin.host.cached_flights", Observe, "{flight}",
            "Flights whose seat map (cache=seatmap) or definition (cache=flight) this process keeps a copy of.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            _maps.EvictIdle();
            _flights.EvictOld();
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        yield return new Measurement<long>(_maps.Count, new KeyValuePair<string, object?>("cache", "seatmap"));
        yield return new Measurement<long>(_flights.Count, new KeyValuePair<string, object?>("cache", "flight"));
    }
}
