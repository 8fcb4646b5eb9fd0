using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using CheckIn.Bench.Target;

namespace CheckIn.Bench;

/// <summary>The options every scenario takes; an option not given falls back to the scenario's (or --smoke's) default.</summary>
internal sealed class CliOptions(ScenarioInfo scenario)
{
    private readonly ScenarioDefaults _d = scenario.Defaults;
    private readonly ScenarioDefaults _s = scenario.Smoke;

    private readonly Option<Uri?> _url = new("--url")
    {
        Description = "A running host to drive, e.g. http://127.0.0.1:5080 (mode: external).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }
            result.AddError($"--url must be an absolute http(s) URL, not '{text}'.");
            return null;
        },
    };
    private readonly Option<string?> _adminKey = new("--admin-key") { Description = "The host's X-Admin-Key (default dev-admin-key; a started host gets a random one)." };
    private readonly Option<string?> _startHost = new("--start-host") { Description = "Start a host from the Host build output: embedded or durable." };
    private readonly Option<string?> _postgres = new("--postgres") { Description = "Durable: PostgreSQL server connection string (a fresh database is created per run). Default: start one with scripts/services.sh." };
    private readonly Option<string?> _redis = new("--redis") { Description = "Durable: Redis configuration. Default: start one with scripts/services.sh." };
    private readonly Option<int?> _hostPid = new("--host-pid") { Description = "Pid of an external host, to sample its CPU and RSS." };
    private readonly Option<string?> _hostDir = new("--host-dir") { Description = "Folder with CheckIn.Host.dll (default: the Host's build output of this configuration)." };
    private readonly Option<TimeSpan?> _holdDuration = new("--hold-duration") { Description = "CheckIn__HoldDuration of a started host (e.g. 00:00:20).", CustomParser = Duration };
    private readonly Option<bool> _noRateLimits = new("--no-rate-limits") { Description = "Same as --rate-limits off." };
    private readonly Option<string?> _rateLimits = new("--rate-limits")
    {
        Description = "A started host's abuse protection: off (CheckIn__RateLimiting__Enabled=false), on (limits far above the load, "
            + "the bench a trusted proxy sending distinct X-Forwarded-For clients where the scenario can) or both (seatmap: off, then on; a comma list such as on,off sets the order).",
    };
    private readonly Option<string?> _telemetry = new("--telemetry")
    {
        Description = "A started host's metrics and tracing: on (CheckIn__Telemetry__Enabled=true, the host's default sampling), off "
            + "(CheckIn__Telemetry__Enabled=false) or both (seatmap: off, then on; a comma list such as on,off sets the order).",
    };
    private readonly Option<bool> _keepDatabase = new("--keep-database") { Description = "Durable with --postgres: keep the run's database." };
    private readonly Option<bool> _smoke = new("--smoke") { Description = "Tiny sizes and seconds: checks the tool and the host still work, measures nothing." };
    private readonly Option<int?> _clients = new("--clients", "-c") { Description = "Concurrent clients = connections (open loop: connections and max in flight)." };
    private readonly Option<TimeSpan?> _duration = new("--duration", "-d") { Description = "Measured duration (10s, 3m, 00:01:00).", CustomParser = Duration };
    private readonly Option<TimeSpan?> _warmup = new("--warmup") { Description = "Unmeasured warm-up before the duration.", CustomParser = Duration };
    private readonly Option<double?> _rate = new("--rate") { Description = "Open loop: requests per second." };
    private readonly Option<int?> _flights = new("--flights") { Description = "Number of flights." };
    private readonly Option<int?> _rows = new("--rows") { Description = "Rows per flight (1-120)." };
    private readonly Option<string?> _columns = new("--columns") { Description = "Seat letters per row, _ for an aisle (default ABC_DEF)." };
    private readonly Option<int?> _seats = new("--seats") { Description = "contention: seats to race for; waitlist: seats freed while --waiters wait." };
    private readonly Option<int?> _holds = new("--holds") { Description = "expiry: holds to make; holds: passenger seats prepared (the run stops early if they run out)." };
    private readonly Option<int?> _waiters = new("--waiters") { Description = "waitlist: passengers waiting when the seats are freed." };
    private readonly Option<double?> _writeRate = new("--write-rate") { Description = "seatmap: background hold/release commands per second; waitlist: releases per second of the spread phase; seatmap-stream: seat changes per second." };
    private readonly Option<double?> _conditionalShare = new("--conditional-share") { Description = "Share of seat map reads sent with If-None-Match (0-1)." };
    private readonly Option<double?> _heldShare = new("--held-share") { Description = "scale: share of seats held." };
    private readonly Option<TimeSpan?> _idle = new("--idle")
    {
        Description = "scale: after the warm reads, leave the host alone this long (10m) while sampling its RSS and activations, then check "
            + "every hold expired on time. With it, a started host keeps its own hold duration (2 min) unless --hold-duration. Default: none.",
        CustomParser = Duration,
    };
    private readonly Option<int?> _readsPerCommand = new("--reads-per-command") { Description = "mixed, scale-out: seat map reads per seat command." };
    private readonly Option<int?> _subscribers = new("--subscribers") { Description = "seatmap-stream: open seat-map streams of the flight." };
    private readonly Option<int?> _changes = new("--changes") { Description = "seatmap-stream: seat changes, half holds (one passenger and seat each), then their releases (at least 2; an odd number rounds down)." };
    private readonly Option<TimeSpan?> _timeout = new("--timeout") { Description = "Per-request timeout (default 30s); a timeout counts as an error.", CustomParser = Duration };
    private readonly Option<int?> _setupConcurrency = new("--setup-concurrency") { Description = "Concurrent admin requests while setting up (default 16)." };
    private readonly Option<bool> _noNginx = new("--no-nginx") { Description = "seatmap: skip the nginx comparison." };
    private readonly Option<int?> _pgbenchClients = new("--pgbench-clients") { Description = "holds: pgbench clients." };
    private readonly Option<int?> _pgbenchScale = new("--pgbench-scale") { Description = "holds: pgbench -i scale." };
    private readonly Option<bool> _noSave = new("--no-save") { Description = "Do not write the JSON and markdown results." };
    private readonly Option<string?> _resultsDir = new("--results-dir") { Description = "Where results go (default bench/results)." };

    public void AddTo(Command command)
    {
        _clients.Description += Default(d => d.Clients);
        _duration.Description += Default(d => Show(d.Duration));
        _warmup.Description += Default(d => Show(d.Warmup));
        _rate.Description += Default(d => d.Rate);
        _flights.Description += Default(d => d.Flights);
        _rows.Description += Default(d => d.Rows);
        _seats.Description += Default(d => d.Seats);
        _holds.Description += Default(d => d.Holds);
        _waiters.Description += Default(d => d.Waiters);
        _writeRate.Description += Default(d => d.WriteRate);
        _conditionalShare.Description += Default(d => d.ConditionalShare);
        _heldShare.Description += Default(d => d.HeldShare);
        _readsPerCommand.Description += Default(d => d.ReadsPerCommand);
        _subscribers.Description += Default(d => d.Subscribers);
        _changes.Description += Default(d => d.Changes);
        _pgbenchClients.Description += Default(d => d.PgbenchClients);
        _pgbenchScale.Description += Default(d => d.PgbenchScale);
        _rateLimits.Description += Default(d => d.RateLimits);
        _rateLimits.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && RateLimitSettings.Sequence(text) is null)
            {
                result.AddError($"--rate-limits must be off, on, both or a comma list of off and on (on,off), not '{text}'.");
            }
        });
        _telemetry.Description += Default(d => d.Telemetry);
        _telemetry.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && TelemetrySettings.Sequence(text) is null)
            {
                result.AddError($"--telemetry must be off, on, both or a comma list of off and on (on,off), not '{text}'.");
            }
        });
        if (_d.HoldDuration is { } hold)
        {
            _holdDuration.Description += $" Default here: {hold:c} (smoke {_s.HoldDuration:c}).";
        }
        Option[] all =
        [
            _url, _adminKey, _startHost, _postgres, _redis, _hostPid, _hostDir, _holdDuration, _noRateLimits, _rateLimits, _telemetry, _keepDatabase, _smoke,
            _clients, _duration, _warmup, _rate, _flights, _rows, _columns, _seats, _holds, _waiters, _writeRate, _conditionalShare, _heldShare, _idle,
            _readsPerCommand, _subscribers, _changes, _timeout, _setupConcurrency, _noNginx, _pgbenchClients, _pgbenchScale, _noSave, _resultsDir,
        ];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }
        // Options a scenario ignores are still accepted (one command line shape for all) but not listed in its --help.
        var name = scenario.Name;
        Hide(_rate, name != "seatmap-open");
        Hide(_seats, name is not ("contention" or "waitlist"));
        Hide(_holds, name is not ("holds" or "expiry"));
        Hide(_waiters, name != "waitlist");
        Hide(_writeRate, name is not ("seatmap" or "waitlist" or "seatmap-stream"));
        Hide(_subscribers, name != "seatmap-stream");
        // One writer sends its changes one after the other; the subscribers are --subscribers.
        Hide(_clients, name == "seatmap-stream");
        Hide(_changes, name != "seatmap-stream");
        Hide(_noNginx, name != "seatmap");
        Hide(_conditionalShare, name is not ("seatmap" or "seatmap-open" or "mixed" or "scale-out"));
        Hide(_heldShare, name != "scale");
        Hide(_idle, name != "scale");
        Hide(_readsPerCommand, name is not ("mixed" or "scale-out"));
        Hide(_pgbenchClients, name != "holds");
        Hide(_pgbenchScale, name != "holds");
        Hide(_flights, name is not ("seatmap-open" or "scale" or "mixed" or "scale-out"));
        Hide(_duration, name is "contention" or "expiry" or "scale" or "waitlist" or "seatmap-stream");
        Hide(_warmup, name is "contention" or "expiry" or "scale" or "waitlist" or "seatmap-stream");
        _startHost.AcceptOnlyFromAmong("embedded", "durable");
    }

    public BenchOptions Read(ParseResult p, string[] args)
    {
        var smoke = p.GetValue(_smoke);
        var d = smoke ? _s : _d;
        var startHost = p.GetValue(_startHost);
        var url = p.GetValue(_url);
        var idle = p.GetValue(_idle) ?? TimeSpan.Zero;
        return new BenchOptions
        {
            Scenario = scenario.Name,
            CommandLine = "dotnet run --project bench/CheckIn.Bench -c Release -- " + string.Join(' ', args.Select(Quote)),
            Url = url,
            AdminKey = p.GetValue(_adminKey),
            StartHost = startHost,
            Postgres = p.GetValue(_postgres),
            Redis = p.GetValue(_redis),
            HostPid = p.GetValue(_hostPid),
            HostDir = p.GetValue(_hostDir),
            // scale keeps its holds for 30 min so that the warm reads see them; with --idle they are to expire meanwhile.
            HoldDuration = p.GetValue(_holdDuration) ?? (idle > TimeSpan.Zero ? null : d.HoldDuration),
            NoRateLimits = p.GetValue(_noRateLimits),
            RateLimits = p.GetValue(_noRateLimits) ? RateLimitSettings.Off : p.GetValue(_rateLimits) ?? d.RateLimits,
            Telemetry = p.GetValue(_telemetry) ?? d.Telemetry,
            KeepDatabase = p.GetValue(_keepDatabase),
            Smoke = smoke,
            Clients = p.GetValue(_clients) ?? d.Clients,
            Duration = p.GetValue(_duration) ?? d.Duration,
            Warmup = p.GetValue(_warmup) ?? d.Warmup,
            Rate = p.GetValue(_rate) ?? d.Rate,
            Flights = p.GetValue(_flights) ?? d.Flights,
            Rows = p.GetValue(_rows) ?? d.Rows,
            Columns = p.GetValue(_columns) ?? "ABC_DEF",
            Seats = p.GetValue(_seats) ?? d.Seats,
            Holds = p.GetValue(_holds) ?? d.Holds,
            Waiters = p.GetValue(_waiters) ?? d.Waiters,
            WriteRate = p.GetValue(_writeRate) ?? d.WriteRate,
            ConditionalShare = p.GetValue(_conditionalShare) ?? d.ConditionalShare,
            HeldShare = p.GetValue(_heldShare) ?? d.HeldShare,
            Idle = idle,
            ReadsPerCommand = p.GetValue(_readsPerCommand) ?? d.ReadsPerCommand,
            Subscribers = p.GetValue(_subscribers) ?? d.Subscribers,
            Changes = p.GetValue(_changes) ?? d.Changes,
            Timeout = p.GetValue(_timeout) ?? TimeSpan.FromSeconds(30),
            SetupConcurrency = p.GetValue(_setupConcurrency) ?? 16,
            NoNginx = p.GetValue(_noNginx),
            PgbenchClients = p.GetValue(_pgbenchClients) ?? d.PgbenchClients,
            PgbenchScale = p.GetValue(_pgbenchScale) ?? d.PgbenchScale,
            NoSave = p.GetValue(_noSave),
            ResultsDir = p.GetValue(_resultsDir),
        };
    }

    private static void Hide(Option option, bool hidden) => option.Hidden = hidden;

    private string Default<T>(Func<ScenarioDefaults, T> value) =>
        string.Create(CultureInfo.InvariantCulture, $" Default here: {value(_d)} (smoke {value(_s)}).");

    private static string Show(TimeSpan span) => span.TotalSeconds < 60
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#}s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#}m");

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_.:/=,@+".Contains(c)) ? arg : $"'{arg}'";

    /// <summary>"500ms", "15s", "3m", "1h", a bare number of seconds ("60") or a TimeSpan ("00:00:20").</summary>
    private static TimeSpan? Duration(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }
        // A bare number is seconds (TimeSpan.Parse would read "60" as sixty days).
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare) && bare >= 0)
        {
            return TimeSpan.FromSeconds(bare);
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }
        result.AddError($"'{text}' is not a duration (500ms, 15s, 60, 3m, 1h or 00:00:20).");
        return null;
    }
}
