using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// Hosts that cannot start (a missing setting, an unreachable dependency, a taken port) say so in one line on
/// stderr that names what to fix, and exit with code 1; hosts that are stopped with SIGTERM stop quietly.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed partial class HostStartupTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(60);

    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task Durable_mode_without_an_admin_key_exits_1_naming_the_setting_in_one_line()
    {
        var db = await services.CreateDatabaseAsync();
        var host = _hosts.Start("host without admin key", HostSettings.For(db, services.RedisConfiguration) with { AdminKey = null });

        await AssertRefusedAsync(host, "CheckIn:AdminKey");
    }

    [Fact]
    public async Task Durable_mode_without_a_payment_webhook_secret_exits_1_naming_the_setting_and_leaves_the_database_untouched()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(db, services.RedisConfiguration) with { Extra = new Dictionary<string, string?> { ["CheckIn__Payments__WebhookSecret"] = null } };
        var host = _hosts.Start("host without webhook secret", settings);

        await AssertRefusedAsync(host, "CheckIn:Payments:WebhookSecret");
        // Settings are checked before anything is changed: a host that will not run must not migrate the schema.
        Assert.Empty(await Db.StringsAsync(db, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"));
    }

    [Fact]
    public async Task An_unreachable_postgres_exits_1_naming_the_connection_string_and_the_address()
    {
        var settings = HostSettings.For("Host=127.0.0.1;Port=1;Username=postgres;Database=checkin", services.RedisConfiguration);
        var host = _hosts.Start("host with unreachable PostgreSQL", settings);

        await AssertRefusedAsync(host, "ConnectionStrings__Postgres: could not connect to 127.0.0.1:1");
    }

    [Fact]
    public async Task An_embedded_host_whose_silo_port_is_taken_exits_1_naming_the_port_and_the_setting()
    {
        // Bound the way .NET binds Orleans's listener on Linux (ReuseAddress = SO_REUSEADDR + SO_REUSEPORT), which
        // is what let a second silo start on the same port.
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var host = _hosts.Start("embedded host on a taken silo port", Embedded(HostSettings.For("unused", services.RedisConfiguration) with { SiloPort = port }));

        await AssertRefusedAsync(host, $"Orleans:SiloPort (Orleans__SiloPort): port {port}");
    }

    [Fact]
    public async Task Two_api_keys_with_the_same_key_exit_1_naming_the_setting_and_not_the_key()
    {
        var settings = Embedded(HostSettings.For("unused", services.RedisConfiguration));
        var extra = new Dictionary<string, string?>(settings.Extra!)
        {
            ["CheckIn__RateLimiting__ApiKeys__0__Name"] = "partner-a",
            ["CheckIn__RateLimiting__ApiKeys__0__Key"] = "shared-secret-0123456789",
            ["CheckIn__RateLimiting__ApiKeys__1__Name"] = "partner-b",
            ["CheckIn__RateLimiting__ApiKeys__1__Key"] = "shared-secret-0123456789",
        };
        var host = _hosts.Start("embedded host with a repeated API key", settings with { Extra = extra });

        await AssertRefusedAsync(host, "CheckIn:RateLimiting:ApiKeys:1:Key repeats the key of CheckIn:RateLimiting:ApiKeys:0");
        Assert.DoesNotContain("shared-secret", host.Output + host.ErrorOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_durable_host_on_the_gateway_port_of_a_running_host_exits_1_and_the_running_host_keeps_serving()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(db, services.RedisConfiguration);
        var running = _hosts.Start("running host", settings);
        await running.WaitUntilReadyAsync();

        var clone = _hosts.Start("host on the same gateway port", settings.Sibling() with { GatewayPort = settings.GatewayPort });

        await AssertRefusedAsync(clone, $"Orleans:GatewayPort (Orleans__GatewayPort): port {settings.GatewayPort}");
        (await running.Api.GetAsync("/health/ready").ReadAsync()).Expect(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SIGTERM_after_seat_maps_were_used_logs_no_fail_or_crit_line_and_exits_0(bool durable)
    {
        var settings = HostSettings.For(durable ? await services.CreateDatabaseAsync() : "unused", services.RedisConfiguration);
        var host = _hosts.Start(durable ? "durable host" : "embedded host", durable ? settings : Embedded(settings));
        await host.WaitUntilReadyAsync();
        var booking = await host.Api.CreateBookingAsync();
        (await host.Api.SeatCommandAsync("hold", booking, "2A", booking.FirstPassenger)).Expect(HttpStatusCode.OK);
        await host.Api.SeatAsync(booking.FlightId, "2A");
        (await host.Api.GetAsync("/api/flights/SH101/seatmap").ReadAsync()).Expect(HttpStatusCode.OK);
        // The maps are in use: each has written its "not clean" marker and has a clean snapshot to write at shutdown.
        await Task.Delay(TimeSpan.FromSeconds(2));

        host.Terminate();

        Assert.Equal(0, await host.WaitForExitAsync(ExitDeadline));
        Assert.Empty(LogLevelPrefix().Matches(host.Output).Select(m => m.Value));
    }

    [Fact]
    public async Task Durable_mode_without_services_or_the_simulator_flag_exits_naming_the_settings_on_one_line()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(db, services.RedisConfiguration) with { Extra = new Dictionary<string, string?> { ["CheckIn__Simulators__Enabled"] = null } };
        var host = _hosts.Start("host without services", settings);

        var exitCode = await host.WaitForExitAsync(ExitDeadline);

        Assert.NotEqual(0, exitCode);
        string[] named = ["CheckIn:Weight:BaseUrl", "CheckIn:Payments:BaseUrl", "CheckIn__Simulators__Enabled"];
        Assert.True(
            host.Output.Split('\n').Any(line => named.All(name => line.Contains(name, StringComparison.Ordinal))),
            $"No line of the output names {string.Join(", ", named)}:{Environment.NewLine}{host.Output}");
        Assert.Empty(await Db.StringsAsync(db, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"));
    }

    [Fact]
    public async Task Durable_mode_with_the_simulator_flag_starts_serves_them_and_warns()
    {
        var db = await services.CreateDatabaseAsync();
        var host = _hosts.Start("host with simulators", HostSettings.For(db, services.RedisConfiguration));

        await host.WaitUntilReadyAsync();
        using var payments = await host.Http.GetAsync(new Uri("/sim/payments/health", UriKind.Relative));
        using var weight = await host.Http.GetAsync(new Uri("/sim/weight/health", UriKind.Relative));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (payments.StatusCode, weight.StatusCode));
        Assert.Contains("Durable mode with CheckIn:Simulators:Enabled=true: this host serves /sim/weight and /sim/payments without authentication", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Durable_mode_with_configured_services_does_not_serve_the_simulators()
    {
        var db = await services.CreateDatabaseAsync();
        // Nothing needs to answer at these addresses: the host only calls them when a bag is added or a fee is due.
        var settings = HostSettings.For(db, services.RedisConfiguration) with
        {
            Extra = new Dictionary<string, string?>
            {
                ["CheckIn__Simulators__Enabled"] = null,
                ["CheckIn__Weight__BaseUrl"] = "http://127.0.0.1:9/weight",
                ["CheckIn__Payments__BaseUrl"] = "http://127.0.0.1:9/payments",
            },
        };
        var host = _hosts.Start("host with configured services", settings);

        await host.WaitUntilReadyAsync();
        using var payments = await host.Http.GetAsync(new Uri("/sim/payments/api/intents", UriKind.Relative));
        using var pay = await host.Http.PostAsync(new Uri("/sim/payments/api/intents/pi_1/pay", UriKind.Relative), content: null);
        using var weight = await host.Http.GetAsync(new Uri("/sim/weight/api/bags/HEAVY01/weight", UriKind.Relative));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (payments.StatusCode, pay.StatusCode, weight.StatusCode));
        Assert.DoesNotContain("CheckIn:Simulators:Enabled=true", host.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _hosts.Dispose();

    /// <summary>No PostgreSQL and no Redis: in-memory storage and localhost clustering.</summary>
    private static HostSettings Embedded(HostSettings settings) => settings with
    {
        Extra = new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = null, ["ConnectionStrings__Redis"] = null },
    };

    private static async Task AssertRefusedAsync(HostProcess host, string expected)
    {
        var exitCode = await host.WaitForExitAsync(ExitDeadline);

        var lines = host.ErrorOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exitCode == 1, $"expected exit code 1, got {exitCode}:{Environment.NewLine}{host.Output}");
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:{Environment.NewLine}{host.ErrorOutput}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", host.Output, StringComparison.Ordinal);
        Assert.False(StackFrame().IsMatch(host.Output), $"the output has a stack trace:{Environment.NewLine}{host.Output}");
    }

    // A frame line as the text console logger or the runtime prints it, after the test's seconds prefix, or a frame
    // inside a JSON log line's escaped Exception (durable mode logs JSON).
    [GeneratedRegex(@"(^\s*\d+\.\d+\s+at \S+)|(\\n\s+at \S+)", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    // Text console lines start with the level, JSON lines (durable mode) name it; the test prefixes each line with the
    // seconds since start.
    [GeneratedRegex(@"^\s*[\d.]+ ((fail|crit): .*|\{.*""LogLevel"":""(Error|Critical)"".*)$", RegexOptions.Multiline)]
    private static partial Regex LogLevelPrefix();
}
