using CheckIn.Bench.Scenarios;
using CheckIn.Bench.Target;

namespace CheckIn.Bench;

/// <summary>Sizes and load of a scenario when the command line does not say (one set for --smoke).</summary>
internal sealed record ScenarioDefaults
{
    public int Clients { get; init; } = 64;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    public double Rate { get; init; } = 1000;
    public int Flights { get; init; } = 1;
    public int Rows { get; init; } = 30;
    public int Seats { get; init; } = 200;
    public int Holds { get; init; } = 10_000;
    public int Waiters { get; init; } = 150;
    public double WriteRate { get; init; } = 20;
    public double ConditionalShare { get; init; } = 0.5;
    public double HeldShare { get; init; } = 0.1;
    public int ReadsPerCommand { get; init; } = 100;
    public int Subscribers { get; init; } = 1000;
    public int Changes { get; init; } = 60;
    public TimeSpan? HoldDuration { get; init; }

    /// <summary>
    /// Abuse protection of a started host: off unless the scenario measures with it (seatmap: on, as deployed; <c>both</c>
    /// adds its cost), since every other scenario sends far more than one client's limits from one address and measures
    /// something else.
    /// </summary>
    public string RateLimits { get; init; } = RateLimitSettings.Off;

    /// <summary>
    /// Metrics and tracing of a started host: on (as the host ships) unless the scenario measures their cost
    /// (seatmap: both, off then on).
    /// </summary>
    public string Telemetry { get; init; } = TelemetrySettings.On;
    public int PgbenchClients { get; init; } = 16;
    public int PgbenchScale { get; init; } = 10;
}

/// <summary>A scenario: its name, what it measures (for --help) and its defaults.</summary>
internal sealed record ScenarioInfo(string Name, string Description, Func<BenchContext, Task> RunAsync, ScenarioDefaults Defaults, ScenarioDefaults Smoke);

internal static class ScenarioCatalog
{
    private static readonly TimeSpan SmokeDuration = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SmokeWarmup = TimeSpan.FromSeconds(0.5);

    public static IReadOnlyList<ScenarioInfo> All { get; } =
    [
        new("seatmap",
            "wrk with C connections (default 500) reads one flight's seat map, half revalidating with If-None-Match, while a writer holds "
            + "and releases seats (--write-rate/s); a poller measures when each hold shows in the map. The host runs once per combination "
            + "of --rate-limits and --telemetry, a fresh host each: by default limits on (set high, the bench a trusted proxy sending 256+ "
            + "distinct X-Forwarded-For clients) with telemetry off, then on (metrics and tracing at the host's default sampling; /metrics "
            + "scraped after the run to prove it). Then nginx serves the same bytes as a static file to the same wrk load. Targets: "
            + "throughput >= 0.5x nginx, p99 <= 3x nginx (each host run), telemetry on within 10% of off (throughput and p99), 0 errors "
            + "and no 429, a change visible within 1 s (p99).",
            SeatMapScenario.RunAsync,
            // A 30 s warm-up: each host run is a fresh process whose JIT needs that long under this load to settle (issue 12).
            new ScenarioDefaults
            {
                Clients = 500, Duration = TimeSpan.FromSeconds(15), Warmup = TimeSpan.FromSeconds(30),
                RateLimits = RateLimitSettings.On, Telemetry = TelemetrySettings.Both,
            },
            new ScenarioDefaults
            {
                Clients = 16, Duration = SmokeDuration, Warmup = SmokeWarmup, WriteRate = 10,
                RateLimits = RateLimitSettings.On, Telemetry = TelemetrySettings.Both,
            }),
        new("seatmap-open",
            "Open loop at --rate requests/s (default 5000) across --flights (default 100) flights' seat maps; latency from each request's "
            + "intended send time (no coordinated omission). Target: p99 <= 50 ms at 5,000 requests/s.",
            SeatMapOpenScenario.RunAsync,
            new ScenarioDefaults { Clients = 500, Rate = 5000, Flights = 100, Duration = TimeSpan.FromSeconds(30), Warmup = TimeSpan.FromSeconds(10), ConditionalShare = 0 },
            new ScenarioDefaults { Clients = 32, Rate = 200, Flights = 4, Duration = SmokeDuration, Warmup = SmokeWarmup, ConditionalShare = 0 }),
        new("seatmap-stream",
            "--subscribers anonymous streams (default 1,000) to one flight's GET /api/flights/{id}/seatmap/stream, then --changes seat "
            + "changes (default 60: half the passengers hold a seat each, then release them in order) at --write-rate per second (default 2). "
            + "Per (change, subscriber) pair: the command's 2xx -> the event carrying it at that subscriber; events received vs expected "
            + "(a full map at or after the change's version counts), host CPU and RSS with the streams open. Targets: p99 <= 1 s, 0 missed.",
            SeatMapStreamScenario.RunAsync,
            new ScenarioDefaults { Subscribers = 1000, Changes = 60, WriteRate = 2 },
            new ScenarioDefaults { Subscribers = 20, Changes = 6, WriteRate = 4 }),
        new("contention",
            "K clients (default 50) race to hold the same seat at the same instant, over --seats seats (default 200). Targets: exactly one "
            + "200 per seat, every loser 409 SEAT_UNAVAILABLE, never a 5xx or a timeout; race p99 <= 100 ms.",
            ContentionScenario.RunAsync,
            new ScenarioDefaults { Clients = 50, Seats = 200 },
            new ScenarioDefaults { Clients = 6, Seats = 8 }),
        new("holds",
            "C clients (default 64) hold then confirm distinct seats for distinct passengers on big flights (--rows 120, 720 seats) for "
            + "--duration; then pgbench (one-row UPDATE, 16 clients, same duration) on the same PostgreSQL (durable). Verifies every 2xx: "
            + "seat maps, audit trail, and a kill -9 + restart of a durable host the bench started. Targets: commands/s >= 0.1x pgbench tps, "
            + "0 errors.",
            HoldsScenario.RunAsync,
            new ScenarioDefaults { Clients = 64, Rows = 120, Duration = TimeSpan.FromSeconds(30), Warmup = TimeSpan.FromSeconds(30), Holds = 120_000 },
            new ScenarioDefaults { Clients = 4, Rows = 10, Duration = SmokeDuration, Warmup = SmokeWarmup, Holds = 400, PgbenchScale = 1, PgbenchClients = 4 }),
        new("expiry",
            "--holds holds (default 10,000) made as fast as the host takes them with a short hold duration (a started host gets "
            + "--hold-duration, default 00:00:20), then the seat maps are polled for each seat's release. Targets: lag from holdExpiresAt "
            + "until the map shows it AVAILABLE p99 <= 1 s, max <= 5 s.",
            ExpiryScenario.RunAsync,
            new ScenarioDefaults { Clients = 64, Holds = 10_000, HoldDuration = TimeSpan.FromSeconds(20) },
            new ScenarioDefaults { Clients = 8, Holds = 60, HoldDuration = TimeSpan.FromSeconds(2) }),
        new("scale",
            "--flights flights (default 1,000) x 180 seats: every seat map read once while cold (measured on its own), --held-share of "
            + "the seats held (default 10%), every map read again; host RSS and RSS per seat. Targets: RSS <= 1.5 GB, a cold flight's "
            + "first seat map p99 <= 100 ms.",
            ScaleScenario.RunAsync,
            new ScenarioDefaults { Clients = 32, Flights = 1000, HoldDuration = TimeSpan.FromMinutes(30) },
            new ScenarioDefaults { Clients = 8, Flights = 10, HoldDuration = TimeSpan.FromMinutes(30) }),
        new("journey",
            "--seats passengers (default 400) across --flights flights (default 4) departing in 6 h, C at a time (default 16): start "
            + "check-in, add a 28.5 kg bag (Weight service over HTTP, payment intent), pay at the provider, wait for its signed webhook "
            + "to resume the check-in, complete. Reports each step and the webhook-to-resume lag; checks every journey completed and "
            + "the payment was applied exactly once. Needs the host's in-process Weight service and payment simulator.",
            JourneyScenario.RunAsync,
            new ScenarioDefaults { Clients = 16, Flights = 4, Seats = 400 },
            new ScenarioDefaults { Clients = 4, Flights = 2, Seats = 12 }),
        new("waitlist",
            "A full cabin of --seats seats (default 100, rounded up to whole rows) with --waiters passengers (default 150) on its "
            + "waitlist (position ANY); the holders release --seats seats, once all at the same instant (burst) and once at "
            + "--write-rate per second (spread, default 20), each on its own flight. Per released seat: release sent -> SEAT_ASSIGNED "
            + "event on the assigned passenger's session stream. Checks: every released seat assigned exactly once, FIFO, no seat "
            + "left AVAILABLE/OFFERED/HELD. Targets: p95 <= 1 s, p99 <= 2 s.",
            WaitlistScenario.RunAsync,
            new ScenarioDefaults { Clients = 100, Seats = 100, Waiters = 150, WriteRate = 20 },
            new ScenarioDefaults { Clients = 6, Seats = 6, Waiters = 9, WriteRate = 20 }),
        new("mixed",
            "C clients (default 100) for --duration (default 3 min): --reads-per-command seat-map reads (default 100) per seat command "
            + "(hold -> confirm -> release cycles) across --flights flights (default 100). Reports throughput and p99 per operation, host "
            + "CPU and RSS and their trend (first vs last third: no growth).",
            MixedScenario.RunAsync,
            new ScenarioDefaults { Clients = 100, Flights = 100, Duration = TimeSpan.FromMinutes(3), Warmup = TimeSpan.FromSeconds(10) },
            new ScenarioDefaults { Clients = 8, Flights = 3, Duration = TimeSpan.FromSeconds(3), Warmup = SmokeWarmup, ReadsPerCommand = 10 }),
        new("scale-out",
            "Durable only. The mixed request mix (C clients, default 100; --reads-per-command seat-map reads per seat command over --flights "
            + "flights, default 100) twice, each phase on a fresh cluster and database: one silo pinned to both cores (taskset -c 0,1), then "
            + "two silos of one cluster pinned one core each (taskset -c 0 and -c 1), requests round-robin over their HTTP endpoints. The "
            + "load generator is not pinned. Per phase: throughput and throughput per pinned core, p50/p99, errors, each host's CPU and RSS, "
            + "and the share of Orleans messages crossing silos (/metrics before and after the window). Target: two silos' throughput per "
            + "core >= 0.8x one silo's.",
            ScaleOutScenario.RunAsync,
            new ScenarioDefaults { Clients = 100, Flights = 100, Duration = TimeSpan.FromSeconds(30), Warmup = TimeSpan.FromSeconds(20) },
            new ScenarioDefaults { Clients = 8, Flights = 3, Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(1), ReadsPerCommand = 10 }),
    ];
}
