using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Monitoring;
using CheckIn.Bench.Results;
using CheckIn.Bench.Target;

namespace CheckIn.Bench.Scenarios;

/// <summary>What a scenario works with: its options, the target host, the progress line and its report.</summary>
internal sealed class BenchContext(BenchOptions options, BenchTarget target, ProgressLine progress, ProcessSampler sampler, CancellationToken cancellation)
    : IDisposable
{
    private HttpClient _adminHttp = HttpExchange.CreateClient(target.BaseAddress, Math.Max(4, options.SetupConcurrency), TimeSpan.FromSeconds(60));

    public BenchOptions Options { get; } = options;

    public BenchTarget Target { get; } = target;

    public ProgressLine Progress { get; } = progress;

    public ProcessSampler Sampler { get; } = sampler;

    public CancellationToken Cancellation { get; } = cancellation;

    public ScenarioReport Report { get; } = new();

    /// <summary>Admin and verification calls, on their own small pool (follows the host to a new port after a restart).</summary>
    public CheckInClient Admin
    {
        get
        {
            if (_adminHttp.BaseAddress != Target.BaseAddress)
            {
                _adminHttp.Dispose();
                _adminHttp = HttpExchange.CreateClient(Target.BaseAddress, Math.Max(4, Options.SetupConcurrency), TimeSpan.FromSeconds(60));
            }
            return new CheckInClient(_adminHttp, Target.AdminKey);
        }
    }

    /// <summary>A fresh connection pool to the host for one load phase.</summary>
    public HttpClient LoadClient(int connections) => HttpExchange.CreateClient(Target.BaseAddress, connections, Options.Timeout);

    public async Task<Fleet> CreateFleetAsync(int flights, int rows, int passengersPerFlight, int firstSeat = 0, DateTimeOffset? departure = null)
    {
        var status = "";
        Progress.Phase("setup", detail: () => status);
        var fleet = await Fleet.CreateAsync(
            Admin, flights, rows, Options.Columns, passengersPerFlight, firstSeat, Options.SetupConcurrency, s => status = s, Cancellation, departure);
        Progress.Log($"setup: {fleet.Flights.Count} flights x {fleet.Seats.Count} seats, {fleet.Slots.Count} passenger seats");
        return fleet;
    }

    /// <summary>
    /// Reads every flight's seat map once, unmeasured: activates the flights' grains the way a check-in morning does
    /// before the load starts (the cold first read is what <c>scale</c> measures). With <paramref name="endpoints"/>
    /// (hosts of one cluster) the reads go round-robin over them, as the load will.
    /// </summary>
    public async Task PrimeAsync(Fleet fleet, IReadOnlyList<HttpClient>? endpoints = null)
    {
        var done = 0;
        Progress.Phase("setup: first read of every seat map (not measured)", detail: () => $"{done}/{fleet.Flights.Count} flights");
        var admin = Admin;
        var flights = fleet.Flights.Select((flight, i) => (flight, i));
        await Parallel.ForEachAsync(flights, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.SetupConcurrency), CancellationToken = Cancellation },
            async (item, ct) =>
            {
                if (endpoints is null)
                {
                    await admin.ReadSeatMapAsync(item.flight, ct);
                }
                else
                {
                    var read = await HttpExchange.SendAsync(
                        endpoints[item.i % endpoints.Count], CheckInClient.SeatMap(CheckInClient.SeatMapPath(item.flight), null), false, ct);
                    if (read.Status != 200)
                    {
                        throw new BenchException($"first read of {item.flight}'s seat map: {read.Describe()}");
                    }
                }
                Interlocked.Increment(ref done);
            });
    }

    public static Func<(long Requests, long Errors)> Counters(params OperationRecorder[] recorders) =>
        () => (recorders.Sum(r => r.Seen), recorders.Sum(r => r.SeenErrors));

    public void Dispose() => _adminHttp.Dispose();
}
