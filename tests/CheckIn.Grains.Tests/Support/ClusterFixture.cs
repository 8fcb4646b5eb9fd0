using CheckIn.Grains.Storage;
using CheckIn.Grains.Abuse;
using CheckIn.Grains.Audit;
using CheckIn.Grains.CheckIns;
using CheckIn.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Orleans.Reminders;
using Orleans.TestingHost;

namespace CheckIn.Grains.Tests.Support;

/// <summary>
/// One in-process silo for every cluster test, with memory storage and reminders, an in-memory audit log the tests
/// read, and one fake clock that drives grain time, grain timers and reminders (Orleans's own background loops
/// stay on real time). Tests isolate themselves by using a fresh flight id, not by rebuilding the cluster.
/// Abuse limits are off here (tests cycle one passenger through many holds); <see cref="CooldownClusterFixture"/> has them on.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan HoldDuration = TimeSpan.FromSeconds(120);

    private InProcessTestCluster? _cluster;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public InMemoryAuditLog AuditLog { get; } = new();

    /// <summary>Fails the seat map's audit catch-up query of the flights a test names.</summary>
    public FailingSeatVersionQueries FailingSeatVersionQueries { get; }

    public ClusterFixture() => FailingSeatVersionQueries = new(AuditLog);

    public InMemoryCheckInAuditLog CheckInAuditLog { get; } = new();

    public InMemoryWaitlistAuditLog WaitlistAuditLog { get; } = new();

    /// <summary>The abuse incidents the guard and block-list grains write; fails appends for the client keys a test names.</summary>
    public FailingAbuseIncidentLog AbuseIncidents { get; } = new(new InMemoryAbuseIncidentLog());

    public FakeBagScale Scale { get; } = new();

    public FakePaymentGateway Payments { get; } = new();

    /// <summary>Every log record of the grains that log (categories <c>CheckIn.Grains.*</c>), with its scopes.</summary>
    public FakeLogCollector GrainLogs { get; } = FakeLogCollector.Create(new FakeLogCollectorOptions
    {
        FilteredCategories = new HashSet<string>(
            new[] { "Seats.SeatGrain", "Seats.PassengerSeatGrain", "Seats.SeatMapGrain", "CheckIns.CheckInGrain", "Waitlist.WaitlistGrain",
                "Abuse.ClientGuardGrain", "Abuse.BlockListGrain", "Flights.FlightGrain" }.Select(c => "CheckIn.Grains." + c),
            StringComparer.Ordinal),
    });

    /// <summary>The silo's services (its <see cref="IMeterFactory"/>, <see cref="Pseudonyms"/>, …).</summary>
    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    /// <summary>The meter factory the silo's <see cref="CheckInMetrics"/> creates its meter with: bind a MetricCollector to it.</summary>
    public IMeterFactory Meters => SiloServices.GetRequiredService<IMeterFactory>();

    /// <summary>The silo's <see cref="RateLimitOptions.Enabled"/>.</summary>
    protected virtual bool RateLimitingEnabled => false;

    /// <summary>Loses seat map notifications of the flights a test names.</summary>
    public DroppedSeatMapNotifications DroppedMapNotifications { get; } = new();

    public UnansweredSeatReleases UnansweredReleases { get; } = new();

    public UnreachableHoldBackstops UnreachableBackstops { get; } = new();

    public IGrainFactory Grains => _cluster?.Client ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>The silo's grain storage: for tests that arrange what a crashed activation leaves behind.</summary>
    public Orleans.Storage.IGrainStorage Storage =>
        Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(StorageNames.Default);

    private InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            // Memory storage with Orleans's default storage serializer: what the Host's embedded mode runs.
            silo.AddMemoryGrainStorage(StorageNames.Default, o => o.GrainStorageSerializer = GrainStateJson.CreateSerializer());
            silo.UseInMemoryReminderService();
            silo.Services.AddCheckInMetrics();
            silo.Services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(GrainLogs));
            silo.Services.AddSingleton<IAuditLog>(FailingSeatVersionQueries);
            silo.Services.AddSingleton<ICheckInAuditLog>(CheckInAuditLog);
            silo.Services.AddSingleton<IWaitlistAuditLog>(WaitlistAuditLog);
            silo.Services.AddSingleton<IAbuseIncidentLog>(AbuseIncidents);
            silo.Services.AddSingleton<IBagScale>(Scale);
            silo.Services.AddSingleton<IPaymentGateway>(Payments);
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(DroppedMapNotifications);
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(UnansweredReleases);
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(UnreachableBackstops);
            silo.Services.Configure<SeatHoldOptions>(o => o.HoldDuration = HoldDuration);
            silo.Services.Configure<RateLimitOptions>(o => o.Enabled = RateLimitingEnabled);
            silo.Services.AddSingleton(Time);
            silo.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, Time);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Deactivates the grain's activation (as a silo would when it is idle) and waits until it is gone.</summary>
    public Task DeactivateAsync(IAddressable grain) => Cluster.DeactivateAsync(grain);

    /// <summary>Whether the grain has an activation now (without activating it).</summary>
    public bool IsActive(IAddressable grain) => Cluster.TryGetGrainContext(grain.GetGrainId(), out _);

    /// <summary>The names of the reminders the grain has registered now (read from the silo's reminder table).</summary>
    public async Task<IReadOnlyList<string>> RemindersAsync(IAddressable grain)
    {
        var table = Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        var rows = await table.ReadRows(grain.GetGrainId());
        return [.. rows.Reminders.Select(r => r.ReminderName)];
    }

    /// <summary>When the grain's reminder of that name is first due, or null when it has none.</summary>
    public async Task<DateTimeOffset?> ReminderDueAsync(IAddressable grain, string reminderName)
    {
        var table = Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        var rows = await table.ReadRows(grain.GetGrainId());
        return rows.Reminders.FirstOrDefault(r => r.ReminderName == reminderName) is { } row
            ? new DateTimeOffset(DateTime.SpecifyKind(row.StartAt, DateTimeKind.Utc))
            : null;
    }

    /// <summary>Moves the fake clock off the test's thread: due timers and reminders start from the advancing call.</summary>
    public Task AdvanceAsync(TimeSpan by) => Task.Run(() => Time.Advance(by));
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
