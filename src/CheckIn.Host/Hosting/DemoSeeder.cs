using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;

namespace CheckIn.Host.Hosting;

/// <summary>
/// Seeds the demo at every start, idempotently: flight SH101 (A320-like, 168 seats) and bookings ABC123 / Smith
/// and XYZ789 / Jones. Already-seeded data is left as it is. A host that starts while the cluster is still healing
/// (a peer killed a moment ago and not yet declared dead, so the grain directory points at it) gets a transient
/// failure: seeding is retried for a while instead of failing the start, which would crash the host (the fault suite
/// found it: a host restarted on its old address right after a kill -9 exited with 134).
/// </summary>
internal sealed partial class DemoSeeder(IGrainFactory grains, TimeProvider time, ILogger<DemoSeeder> logger) : IHostedService
{
    public const string FlightId = "SH101";

    public static SeatLayout A320Layout { get; } = new(
        Cabins:
        [
            new CabinSection(Cabin.Business, 1, 3, "AC_DF"),
            new CabinSection(Cabin.Economy, 4, 30, "ABC_DEF"),
        ],
        ExitRows: [11, 12],
        ExtraLegroomRows: [4],
        BlockedSeats: ["30A"],
        SkippedRows: [13]);

    /// <summary>How long seeding keeps retrying a transient failure (membership declares a dead silo in seconds).</summary>
    public static readonly TimeSpan SeedPatience = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + SeedPatience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SeedAsync();
                return;
            }
            catch (Exception ex) when (Api.ExceptionProblems.IsUnavailable(ex) && time.GetUtcNow() < deadline)
            {
                LogRetry(logger, attempt, ex.GetType().Name);
                await Task.Delay(RetryDelay, time, cancellationToken);
            }
        }
    }

    private async Task SeedAsync()
    {
        // Departs at the next whole hour plus six, so check-in is open whenever the demo is first seeded.
        var now = time.GetUtcNow();
        var departure = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(7);
        var flight = await grains.GetFlightGrain(FlightId).CreateAsync(new FlightDefinition(FlightId, "LHR", "CDG", departure, A320Layout));
        Report(flight.Error, FlightId);
        Report((await grains.GetBookingGrain("ABC123").CreateAsync(new BookingDefinition("ABC123", [new PassengerName("John", "Smith")], [FlightId]))).Error, "ABC123");
        Report((await grains.GetBookingGrain("XYZ789").CreateAsync(new BookingDefinition("XYZ789", [new PassengerName("Alice", "Jones"), new PassengerName("Bob", "Jones")], [FlightId]))).Error, "XYZ789");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report(Error? error, string what)
    {
        if (error is null)
        {
            LogSeeded(logger, what);
        }
        else if (error.Code is FailureCode.FlightExists or FailureCode.BookingExists)
        {
            LogAlreadySeeded(logger, what);
        }
        else
        {
            throw new InvalidOperationException($"Seeding the demo {what} failed: {error.Detail}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seeding the demo failed on attempt {Attempt} ({Exception}): the cluster is still healing; retrying")]
    private static partial void LogRetry(ILogger logger, int attempt, string exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo {What} is ready")]
    private static partial void LogSeeded(ILogger logger, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo {What} already existed; left as it was")]
    private static partial void LogAlreadySeeded(ILogger logger, string what);
}
