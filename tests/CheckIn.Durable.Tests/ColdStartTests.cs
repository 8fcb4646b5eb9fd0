using System.Net;
using System.Text;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// Three hosts on a stock PostgreSQL (max_connections 100, connection strings without pool settings) killed with
/// <c>kill -9</c> while every flight's seat map was in use, then restarted: the first reads rebuild every map from
/// its seats at once.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class ColdStartTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private const int Flights = 50;
    private const int Hosts = 3;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(90);

    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task Fifty_seat_maps_rebuilt_at_once_on_three_hosts_answer_without_500_and_postgres_refuses_no_connection()
    {
        var db = await services.CreateDatabaseAsync();
        var first = HostSettings.For(db, services.RedisConfiguration);
        HostSettings[] settings = [first, .. Enumerable.Range(1, Hosts - 1).Select(_ => first.Sibling())];
        var flightIds = Enumerable.Range(1, Flights).Select(i => $"CS{i:D3}").ToArray();

        var running = await StartAllAsync(settings, "host");
        foreach (var flightId in flightIds)
        {
            (await running[0].Api.AdminPostAsync("/api/admin/flights", A320(flightId)).ReadAsync()).Expect(HttpStatusCode.Created);
        }
        // Each map is read (activated and caught up), then a seat of its flight changes: the live map marks its stored
        // snapshot "in use" (not clean) before applying the change. Reads alone leave a clean snapshot clean, and a
        // change a map first learns of from the audit log on activation needs no mark either.
        await Task.WhenAll(flightIds.Select(async (f, i) =>
        {
            var api = running[i % Hosts].Api;
            (await api.GetAsync($"/api/flights/{f}/seatmap").ReadAsync()).Expect(HttpStatusCode.OK);
            var session = await api.CreateSessionAsync(f, $"CSP{i:D3}", passengers: 1);
            (await api.SeatCommandAsync("hold", session.Booking, "1A", session.Booking.FirstPassenger)).Expect(HttpStatusCode.OK);
        }));
        await Eventually.UntilAsync(() => NotCleanMapsAsync(db, flightIds), n => n == Flights, TimeSpan.FromSeconds(30), "every stored seat map to be marked in use");
        foreach (var host in running)
        {
            host.KillHard();
        }

        var logStart = new FileInfo(services.PostgresLogPath).Length;
        // The whole cluster comes back as a new deployment of the same service (same stored grains): membership
        // then has no dead entries to wait out, which is not what this test is about.
        var redeployed = new Dictionary<string, string?> { ["Orleans__ClusterId"] = $"{first.ClusterId}-2" };
        var restarted = await StartAllAsync([.. settings.Select(s => s with { Extra = redeployed })], "host (restarted)");
        Assert.Equal(Flights, await NotCleanMapsAsync(db, flightIds));

        var answers = await Task.WhenAll(flightIds.Select((f, i) => ReadAsync(restarted[i % Hosts], f)));
        var reads = answers.OfType<ApiResponse>().ToList();

        var byStatus = reads.GroupBy(r => (int)r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        log.WriteLine($"First seat-map reads after the restart: {string.Join(", ", byStatus)}; no answer within {ReadTimeout.TotalSeconds} s: {answers.Count(a => a is null)}");
        var refusals = ReadLogFrom(services.PostgresLogPath, logStart).Split('\n').Where(l => l.Contains(" 53300 ", StringComparison.Ordinal)).ToList();
        log.WriteLine($"53300 lines in the PostgreSQL log: {refusals.Count}");
        Assert.Multiple(
            () => Assert.True(reads.Count == Flights, $"{Flights - reads.Count} reads had no answer within {ReadTimeout.TotalSeconds} s"),
            () => Assert.All(reads, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"expected 200 (or 503) from {r}")),
            // On an idle machine every read succeeds; a loaded one may turn a slow rebuild into a 503 (Orleans's
            // response timeout), which is the answer a client can retry.
            () => Assert.True(reads.Count(r => r.Status == HttpStatusCode.OK) >= Flights / 2, "at least half of the first reads must succeed"),
            () => Assert.Empty(refusals));
        // Every rebuilt map has all 168 seats.
        Assert.All(reads.Where(r => r.Status == HttpStatusCode.OK), r => Assert.Equal(168, r.Read<SeatMap>().Seats.Count));
    }

    public void Dispose() => _hosts.Dispose();

    /// <summary>
    /// The answer, or null when none came within <see cref="ReadTimeout"/>: longer than Orleans's 30 s response
    /// timeout, so a call that Orleans gives up on is seen as the API's own answer (503), not as a client timeout.
    /// </summary>
    private static async Task<ApiResponse?> ReadAsync(HostProcess host, string flightId)
    {
        using var http = new HttpClient { BaseAddress = host.Settings.BaseAddress, Timeout = ReadTimeout };
        try
        {
            return await new CheckInApi(http).GetAsync($"/api/flights/{flightId}/seatmap").ReadAsync();
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private async Task<HostProcess[]> StartAllAsync(HostSettings[] settings, string name)
    {
        var hosts = settings.Select((s, i) => _hosts.Start($"{name} {i + 1}", s)).ToArray();
        await Task.WhenAll(hosts.Select(h => h.WaitUntilReadyAsync()));
        return hosts;
    }

    /// <summary>An A320-like cabin: rows 1-28, six seats each (168).</summary>
    private static object A320(string flightId) => new
    {
        flightId,
        origin = "LHR",
        destination = "CDG",
        departure = DateTimeOffset.UtcNow.AddDays(1),
        layout = new { cabins = new[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = 28, columns = "ABC_DEF" } } },
    };

    private static Task<long> NotCleanMapsAsync(string db, string[] flightIds) => Db.ScalarAsync<long>(
        db,
        "SELECT count(*) FROM orleans_grain_state WHERE grain_id_extension = ANY(@ids) AND payload IS NOT NULL " +
        "AND convert_from(payload, 'UTF8')::jsonb ->> 'clean' = 'false'",
        ("ids", flightIds));

    private static string ReadLogFrom(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(file, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
