using System.Diagnostics.Metrics;
using CheckIn.Grains.Telemetry;

namespace CheckIn.Host.Api;

/// <summary>
/// Keeps this process's per-flight copies bounded by what is still in use: every <see cref="Period"/> it drops seat
/// maps nobody read for <see cref="SeatMapCache.IdleAfter"/> and flight definitions older than
/// <see cref="FlightCatalog.KeptFor"/>. <c>checkin.host.cached_flights</c> reports how many of each the process keeps.
/// A process that went quiet (under a fifth of a core for a minute) then gives the freed memory back (<see cref="IdleMemoryTrim"/>; counted in
/// <c>checkin.host.memory_trims</c>, logged with the working set before and after).
/// </summary>
internal sealed partial class HostCacheSweeper : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    private readonly SeatMapCache _maps;
    private readonly FlightCatalog _flights;
    private readonly TimeProvider _time;
    private readonly ILogger<HostCacheSweeper> _logger;
    private readonly IdleMemoryTrim _trim = new();
    private TimeSpan _lastCpu = Environment.CpuUsage.TotalTime;
    private readonly System.Diagnostics.Metrics.Counter<long> _trims;

    public HostCacheSweeper(SeatMapCache maps, FlightCatalog flights, TimeProvider time, IMeterFactory meters, ILogger<HostCacheSweeper> logger)
    {
        _logger = logger;
        _maps = maps;
        _flights = flights;
        _time = time;
        var meter = meters.Create(CheckInMetrics.MeterName);
        _trims = meter.CreateCounter<long>("checkin.host.memory_trims", "{trim}",
            "Compacting full collections this process ran after it went quiet, to return freed memory to the operating system.");
        meter.CreateObservableGauge("checkin.host.cached_flights", Observe, "{flight}",
            "Flights whose seat map (cache=seatmap) or definition (cache=flight) this process keeps a copy of.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            _maps.EvictIdle();
            _flights.EvictOld();
            var cpu = Environment.CpuUsage.TotalTime;
            var share = (cpu - _lastCpu).TotalSeconds / Period.TotalSeconds;
            _lastCpu = cpu;
            if (_trim.Due(share))
            {
                var before = Environment.WorkingSet;
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                _trims.Add(1);
                LogTrimmed(before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Quiet for a minute (under a fifth of a core): returned memory to the operating system (working set {BeforeMb} MB -> {AfterMb} MB)")]
    private partial void LogTrimmed(long beforeMb, long afterMb);

    private IEnumerable<Measurement<long>> Observe()
    {
        yield return new Measurement<long>(_maps.Count, new KeyValuePair<string, object?>("cache", "seatmap"));
        yield return new Measurement<long>(_flights.Count, new KeyValuePair<string, object?>("cache", "flight"));
    }
}
