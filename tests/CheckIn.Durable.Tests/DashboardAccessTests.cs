using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// In durable mode the Orleans Dashboard asks for the admin key (HTTP Basic, any user name) and its live log stream
/// is off unless <c>CheckIn__Dashboard__ShowLogs=true</c>; in embedded mode it stays open and the start-up log says so.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class DashboardAccessTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private const string Challenge = "Basic realm=\"Orleans.CheckIn dashboard\", charset=\"UTF-8\"";

    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task A_durable_dashboard_is_401_without_or_with_a_wrong_credential_and_200_with_the_admin_key_its_log_stream_off()
    {
        var host = _hosts.Start("durable host", HostSettings.For(await services.CreateDatabaseAsync(), services.RedisConfiguration));
        await host.WaitUntilReadyAsync();

        using var none = await GetAsync(host, "/dashboard/", null);
        using var wrong = await GetAsync(host, "/dashboard/", Basic("admin", "not-the-key"));
        using var garbage = await GetAsync(host, "/dashboard/", new AuthenticationHeaderValue("Basic", "%%%"));
        using var bearer = await GetAsync(host, "/dashboard/", new AuthenticationHeaderValue("Bearer", HostSettings.TestAdminKey));
        using var data = await GetAsync(host, "/dashboard/DashboardCounters", null);
        using var right = await GetAsync(host, "/dashboard/", Basic("anyone", HostSettings.TestAdminKey));
        using var trace = await GetAsync(host, "/dashboard/Trace", Basic("ops", HostSettings.TestAdminKey));
        using var api = await GetAsync(host, "/api/flights/SH101/seatmap", null);

        foreach (var refused in new[] { none, wrong, garbage, bearer, data })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(Challenge, refused.Headers.WwwAuthenticate.ToString());
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("text/html", right.Content.Headers.ContentType?.MediaType);
        var traceText = await trace.Content.ReadAsStringAsync();
        log.WriteLine($"/dashboard/Trace with the key: {(int)trace.StatusCode} {traceText}");
        Assert.Contains("disabled", traceText, StringComparison.OrdinalIgnoreCase);
        // The API is not behind the dashboard's credential.
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task A_wrong_dashboard_credential_counts_as_a_failed_sign_in_and_a_missing_one_does_not()
    {
        var settings = HostSettings.For(await services.CreateDatabaseAsync(), services.RedisConfiguration) with
        {
            Extra = new Dictionary<string, string?> { ["CheckIn__RateLimiting__Enabled"] = "true", ["CheckIn__RateLimiting__SessionsPerMinute"] = "3" },
        };
        var host = _hosts.Start("durable host with a low sign-in limit", settings);
        await host.WaitUntilReadyAsync();

        var missing = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await GetAsync(host, "/dashboard/", null);
            missing.Add(response.StatusCode);
        }
        var wrong = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await GetAsync(host, "/dashboard/", Basic("admin", $"guess-{i}"));
            wrong.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Contains("\"RATE_LIMITED\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }
        using var right = await GetAsync(host, "/dashboard/", Basic("admin", HostSettings.TestAdminKey));

        Assert.All(missing, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], wrong);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task A_durable_dashboard_streams_its_log_when_show_logs_is_set()
    {
        var settings = HostSettings.For(await services.CreateDatabaseAsync(), services.RedisConfiguration) with
        {
            Extra = new Dictionary<string, string?> { ["CheckIn__Dashboard__ShowLogs"] = "true" },
        };
        var host = _hosts.Start("durable host with logs", settings);
        await host.WaitUntilReadyAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/Trace");
        request.Headers.Authorization = Basic("ops", HostSettings.TestAdminKey);
        using var trace = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, trace.StatusCode);
        using var stream = await trace.Content.ReadAsStreamAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = new byte[256];
        var read = await stream.ReadAsync(first, cancel.Token);
        var text = Encoding.UTF8.GetString(first, 0, read);
        log.WriteLine($"/dashboard/Trace first bytes: {text}");
        Assert.DoesNotContain("disabled", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_embedded_dashboard_is_open_and_the_start_up_warning_names_it()
    {
        var settings = HostSettings.For("unused", services.RedisConfiguration) with
        {
            Extra = new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = null, ["ConnectionStrings__Redis"] = null },
        };
        var host = _hosts.Start("embedded host", settings);
        await host.WaitUntilReadyAsync();

        using var open = await GetAsync(host, "/dashboard/", null);

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Contains("The Orleans Dashboard at /dashboard is open to anyone in embedded mode", host.Output, StringComparison.Ordinal);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpResponseMessage> GetAsync(HostProcess host, string path, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return await host.Http.SendAsync(request);
    }

    public void Dispose() => _hosts.Dispose();
}
