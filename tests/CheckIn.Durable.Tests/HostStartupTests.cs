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

    public void Dispose() => _hosts.Dispose();
}
