using System.Net;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>A host started without a setting durable mode requires.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class HostStartupTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(30);

    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task Durable_mode_without_an_admin_key_exits_non_zero_naming_the_setting()
    {
        var db = await services.CreateDatabaseAsync();
        var host = _hosts.Start("host without admin key", HostSettings.For(services, db) with { AdminKey = null });

        var exitCode = await host.WaitForExitAsync(ExitDeadline);

        Assert.NotEqual(0, exitCode);
        Assert.True(
            host.Output.Contains("CheckIn:AdminKey", StringComparison.Ordinal) || host.Output.Contains("CheckIn__AdminKey", StringComparison.Ordinal),
            $"The output does not name CheckIn:AdminKey:{Environment.NewLine}{host.Output}");
    }

    [Fact]
    public async Task Durable_mode_without_a_payment_webhook_secret_exits_non_zero_naming_the_setting()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(services, db) with { Extra = new Dictionary<string, string?> { ["CheckIn__Payments__WebhookSecret"] = null } };
        var host = _hosts.Start("host without webhook secret", settings);

        var exitCode = await host.WaitForExitAsync(ExitDeadline);

        Assert.NotEqual(0, exitCode);
        Assert.True(host.Output.Contains("CheckIn:Payments:WebhookSecret", StringComparison.Ordinal), $"The output does not name CheckIn:Payments:WebhookSecret:{Environment.NewLine}{host.Output}");
        Assert.Empty(await Db.StringsAsync(db, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"));
    }

    [Fact]
    public async Task A_host_that_refuses_to_start_leaves_the_database_untouched()
    {
        // Settings are checked before anything is changed: a host that will not run must not migrate the schema.
        var db = await services.CreateDatabaseAsync();
        var host = _hosts.Start("host without admin key", HostSettings.For(services, db) with { AdminKey = null });

        Assert.NotEqual(0, await host.WaitForExitAsync(ExitDeadline));

        Assert.Empty(await Db.StringsAsync(db, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"));
    }

    [Fact]
    public async Task Durable_mode_without_services_or_the_simulator_flag_exits_naming_the_settings_on_one_line()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(services, db) with { Extra = new Dictionary<string, string?> { ["CheckIn__Simulators__Enabled"] = null } };
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
        var host = _hosts.Start("host with simulators", HostSettings.For(services, db));

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
        var settings = HostSettings.For(services, db) with
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
}
