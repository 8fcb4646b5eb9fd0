using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// <c>/metrics</c> of a real durable host: behind the admin key by default, only on <c>CheckIn__Telemetry__MetricsPort</c>
/// when that is set (judged by the port the connection arrived on, not the Host header), with PostgreSQL's pool
/// and Orleans's ADO.NET storage in the scrape; and malformed telemetry settings refuse the start in one line.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class MetricsAccessTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(60);

    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task With_a_metrics_port_metrics_answer_only_there_with_the_admin_key_and_show_npgsql_and_orleans_storage()
    {
        var metricsPort = FreePorts.Next();
        var settings = HostSettings.For(await services.CreateDatabaseAsync(), services.RedisConfiguration) with
        {
            Extra = new Dictionary<string, string?> { ["CheckIn__Telemetry__MetricsPort"] = metricsPort.ToString(CultureInfo.InvariantCulture) },
        };
        var host = _hosts.Start("durable host with a metrics port", settings);
        await host.WaitUntilReadyAsync();
        var booking = await host.Api.CreateBookingAsync();
        (await host.Api.SeatCommandAsync("hold", booking, "2A", booking.FirstPassenger)).Expect(HttpStatusCode.OK);
        using var metricsHost = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };

        using var publicPort = await GetAsync(host.Http, "/metrics", request => request.Headers.Add("X-Admin-Key", HostSettings.TestAdminKey));
        using var spoofed = await GetAsync(host.Http, "/metrics", request =>
        {
            request.Headers.Add("X-Admin-Key", HostSettings.TestAdminKey);
            request.Headers.Host = $"127.0.0.1:{metricsPort}";
        });
        using var none = await GetAsync(metricsHost, "/metrics", _ => { });
        using var wrong = await GetAsync(metricsHost, "/metrics", request => request.Headers.Authorization = Basic("prometheus", "not-the-key"));
        using var header = await GetAsync(metricsHost, "/metrics", request => request.Headers.Add("X-Admin-Key", HostSettings.TestAdminKey));
        using var otherPath = await GetAsync(metricsHost, "/health/ready", _ => { });
        // Scrapes may come before the storage and pool metrics of the hold are in: ask until they are.
        var text = await Eventually.UntilAsync(async () =>
        {
            using var basic = await GetAsync(metricsHost, "/metrics", request => request.Headers.Authorization = Basic("prometheus", HostSettings.TestAdminKey));
            Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
            return await basic.Content.ReadAsStringAsync();
        }, t => t.Contains("db_client_operation_duration_seconds_count{", StringComparison.Ordinal)
            && t.Contains("orleans_storage_write_latency_milliseconds_count{", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "Npgsql and Orleans storage series");

        foreach (var notHere in new[] { publicPort, spoofed, otherPath })
        {
            Assert.Equal(HttpStatusCode.NotFound, notHere.StatusCode);
            Assert.Equal("application/problem+json", notHere.Content.Headers.ContentType?.MediaType);
        }
        foreach (var refused in new[] { none, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("\"ADMIN_KEY_INVALID\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Contains("db_client_connection_pool_name=\"checkin\"", text, StringComparison.Ordinal);
        Assert.Contains("provider_type_name=\"PostgresGrainStorage\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("SamplingRatio", "2", "CheckIn:Telemetry:SamplingRatio")]
    [InlineData("MetricsAccess", "Everyone", "CheckIn:Telemetry:MetricsAccess")]
    [InlineData("MetricsPort", "http", "CheckIn:Telemetry:MetricsPort")]
    public async Task A_malformed_telemetry_setting_exits_1_naming_it_in_one_line(string name, string value, string named)
    {
        var host = _hosts.Start($"embedded host with {name}={value}", Embedded(HostSettings.For("unused", services.RedisConfiguration), (name, value)));

        await AssertRefusedAsync(host, named);
    }

    [Fact]
    public async Task A_metrics_port_equal_to_the_http_port_exits_1_naming_the_setting()
    {
        var settings = HostSettings.For("unused", services.RedisConfiguration);
        var host = _hosts.Start("embedded host with the metrics port on the HTTP port",
            Embedded(settings, ("MetricsPort", settings.HttpPort.ToString(CultureInfo.InvariantCulture))));

        await AssertRefusedAsync(host, "CheckIn:Telemetry:MetricsPort");
    }

    public void Dispose() => _hosts.Dispose();

    private static HostSettings Embedded(HostSettings settings, (string Name, string Value) telemetry) => settings with
    {
        Extra = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = null,
            ["ConnectionStrings__Redis"] = null,
            [$"CheckIn__Telemetry__{telemetry.Name}"] = telemetry.Value,
        },
    };

    private static async Task AssertRefusedAsync(HostProcess host, string expected)
    {
        var exitCode = await host.WaitForExitAsync(ExitDeadline);

        var lines = host.ErrorOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exitCode == 1, $"expected exit code 1, got {exitCode}:{Environment.NewLine}{host.Output}");
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:{Environment.NewLine}{host.ErrorOutput}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", host.Output, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, Action<HttpRequestMessage> configure)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure(request);
        return await client.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
