using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// A durable host whose PostgreSQL goes away answers <c>/health/ready</c> 503 with the <c>postgres</c> check
/// Unhealthy (the load balancer takes it out), and 200 again once PostgreSQL is back, without a restart. The server
/// is the test's own (<see cref="ThrowawayPostgres"/>): stopping the shared one would fail every other test.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class ReadinessOutageTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    // Generous for a loaded 2-core machine: a refused connection is noticed at the next probe, in well under a second.
    private static readonly TimeSpan NoticeDeadline = TimeSpan.FromSeconds(30);

    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task Ready_turns_503_with_postgres_unhealthy_when_postgres_stops_and_200_when_it_returns()
    {
        using var postgres = await ThrowawayPostgres.StartAsync();
        var host = _hosts.Start("host on its own PostgreSQL", HostSettings.For(postgres.ConnectionString, services.RedisConfiguration));
        await host.WaitUntilReadyAsync();
        var before = await ReadyAsync(host);
        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal("Healthy", Check(before, "postgres").GetProperty("status").GetString());

        await postgres.StopAsync();
        var stopped = Stopwatch.StartNew();
        var down = await Eventually.UntilAsync(() => ReadyAsync(host), r => r.Status == HttpStatusCode.ServiceUnavailable, NoticeDeadline,
            "/health/ready to answer 503 after PostgreSQL stopped");
        log.WriteLine($"503 {stopped.Elapsed.TotalMilliseconds:F0} ms after PostgreSQL stopped");

        Assert.Equal("Unhealthy", down.Body.GetProperty("status").GetString());
        var check = Check(down, "postgres");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Equal("PostgreSQL does not answer", check.GetProperty("description").GetString());
        Assert.Equal("Healthy", Check(down, "redis").GetProperty("status").GetString());

        await postgres.StartAgainAsync();
        var started = Stopwatch.StartNew();
        var up = await Eventually.UntilAsync(() => ReadyAsync(host), r => r.Status == HttpStatusCode.OK, NoticeDeadline,
            "/health/ready to answer 200 after PostgreSQL came back");
        log.WriteLine($"200 {started.Elapsed.TotalMilliseconds:F0} ms after PostgreSQL started again");

        Assert.Equal("Healthy", Check(up, "postgres").GetProperty("status").GetString());
        Assert.False(host.HasExited);
    }

    private static JsonElement Check(Readiness readiness, string name) => readiness.Body.GetProperty("checks").GetProperty(name);

    private static async Task<Readiness> ReadyAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        return new Readiness(response.StatusCode, json.RootElement.Clone(), body);
    }

    private sealed record Readiness(HttpStatusCode Status, JsonElement Body, string Text)
    {
        public override string ToString() => $"{(int)Status} {Text}";
    }

    public void Dispose() => _hosts.Dispose();
}
