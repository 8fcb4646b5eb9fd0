using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// deploy/'s PromQL against a real Prometheus scraping a real durable host: after a short workload (a hold that
/// expires into the waitlist, a conflict, a waitlist assignment, seat-map reads, a check-in, a refused webhook, a
/// client rate-limited and blocked) every dashboard query, every recording rule and every alert's operands return
/// data, every metric name they use exists, and every rule evaluates without error. So a renamed metric breaks
/// this test, not a dashboard at 3 a.m.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class PrometheusTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private const string Flight = "PM100";
    private const string ScraperKey = "prometheus-tests-scraper-key-0123456789";
    private static readonly TimeSpan DataDeadline = TimeSpan.FromSeconds(90);
    private readonly HostProcesses _hosts = new(log);
    private PrometheusServer? _prometheus;

    [Fact]
    public async Task Every_dashboard_and_rule_query_returns_data_from_a_real_host_after_a_short_workload()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = (HostSettings.For(db, services.RedisConfiguration) with { HoldDuration = TimeSpan.FromSeconds(3) })
            .WithRateLimiting(new Dictionary<string, string>
            {
                // A client of its own for the scraper, so blocking it leaves the rest of the workload alone.
                ["ApiKeys__0__Name"] = "scraper",
                ["ApiKeys__0__Key"] = ScraperKey,
                ["ApiKeys__0__SeatMapPerMinute"] = "5",
                // The workload itself reads two seat maps; the scraper is blocked after ten reads within the window.
                ["BurstReads"] = "10",
            });
        var host = _hosts.Start("host", settings);
        await host.WaitUntilReadyAsync();
        _prometheus = await PrometheusServer.StartAsync([host], HostSettings.TestAdminKey);

        await RunWorkloadAsync(host);

        var queries = Queries();
        log.WriteLine($"{queries.Count} queries: {PrometheusQueries.DashboardQueries().Count} dashboard targets, {PrometheusQueries.RecordingRules().Count} recording rules, {PrometheusQueries.Alerts().Count} alerts");
        var waited = Stopwatch.StartNew();
        var state = await Eventually.UntilAsync(
            () => EvaluateAsync(_prometheus, queries),
            s => s.Complete,
            DataDeadline,
            "every deployed query to return data");
        log.WriteLine($"every query returned data {waited.Elapsed.TotalSeconds:F1} s after the workload");

        Assert.Empty(state.Empty);
        Assert.Empty(state.MissingNames);
        Assert.Empty(state.RuleErrors);
        var up = await _prometheus.QueryAsync("up{job=\"orleans-checkin\"}");
        Assert.Equal("1", Assert.Single(up).GetProperty("value")[1].GetString());
    }

    /// <summary>What a renamed metric would break: the workload makes every series the deployed queries read exist.</summary>
    private async Task RunWorkloadAsync(HostProcess host)
    {
        var api = host.Api;
        (await api.AdminPostAsync("/api/admin/flights", new
        {
            flightId = Flight,
            origin = "OSL",
            destination = "BGO",
            departure = DateTimeOffset.UtcNow.AddHours(6),
            layout = new { cabins = new[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = 1, columns = "AB" } } },
        }).ReadAsync()).Expect(HttpStatusCode.Created);
        var session = await api.CreateSessionAsync(Flight, "PMT001", 3);
        var booking = session.Booking;
        var (first, second, third) = (session.Passengers[0], session.Passengers[1], session.Passengers[2]);

        // The cabin fills: 1A confirmed, 1B held (for 3 s); a conflict on 1B; the third passenger joins the line.
        (await api.SeatCommandAsync("hold", booking, "1A", first)).Expect(HttpStatusCode.OK);
        (await api.SeatCommandAsync("confirm", booking, "1A", first)).Expect(HttpStatusCode.OK);
        (await api.SeatCommandAsync("hold", booking, "1B", second)).Expect(HttpStatusCode.OK);
        var conflict = await api.SeatCommandAsync("hold", booking, "1B", third);
        Assert.True(conflict.Status == HttpStatusCode.Conflict && conflict.Code == "SEAT_UNAVAILABLE", $"expected 409 SEAT_UNAVAILABLE from {conflict}");
        (await api.PassengerAsync(HttpMethod.Post, $"/api/flights/{Flight}/waitlist", booking, new { passengerId = third, position = "ANY" })).Expect(HttpStatusCode.Created);
        (await api.GetAsync($"/api/flights/{Flight}/seatmap").ReadAsync()).Expect(HttpStatusCode.OK);
        (await api.PassengerAsync(HttpMethod.Post, $"/api/flights/{Flight}/check-ins", booking, new { passengerIds = new[] { first } })).Expect(HttpStatusCode.OK);
        var webhook = await api.PostRawAsync("/api/payments/webhook", "{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\"}").ReadAsync();
        Assert.True((int)webhook.Status is >= 400 and < 500, $"expected a refused webhook from {webhook}");

        // The hold of 1B expires; the seat is offered to the line and assigned to the third passenger.
        await Eventually.UntilAsync(
            async () => (await api.PassengerAsync(HttpMethod.Get, $"/api/flights/{Flight}/waitlist/{third}", booking)).Expect(HttpStatusCode.OK).Read<JsonElement>().GetProperty("status").GetString(),
            status => status == "ASSIGNED",
            TimeSpan.FromSeconds(60),
            "the expired hold's seat to be assigned to the waiting passenger");
        (await api.GetAsync($"/api/flights/{Flight}/seatmap").ReadAsync()).Expect(HttpStatusCode.OK);

        // A scraper over its per-minute limit (RATE_LIMITED) and then over the burst limit: the guard blocks it shortly
        // after (CLIENT_BLOCKED); it keeps reading until then.
        var codes = new List<string?>();
        var reading = Stopwatch.StartNew();
        while (!codes.Contains("CLIENT_BLOCKED") && reading.Elapsed < TimeSpan.FromSeconds(30))
        {
            var read = await api.GetWithApiKeyAsync($"/api/flights/{Flight}/seatmap", ScraperKey);
            codes.Add(read.Status == HttpStatusCode.TooManyRequests ? read.Code : ((int)read.Status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        log.WriteLine($"scraper saw: {string.Join(", ", codes.GroupBy(c => c).Select(g => $"{g.Count()} x {g.Key}"))} in {reading.Elapsed.TotalSeconds:F1} s");
        Assert.Contains("RATE_LIMITED", codes);
        Assert.Contains("CLIENT_BLOCKED", codes);
    }

    private static List<DeployedQuery> Queries()
    {
        var queries = new List<DeployedQuery>(PrometheusQueries.DashboardQueries());
        foreach (var (record, expr) in PrometheusQueries.RecordingRules())
        {
            queries.Add(new DeployedQuery($"recording rule {record}", expr));
            queries.Add(new DeployedQuery($"recorded series {record}", record));
        }
        foreach (var (alert, expr) in PrometheusQueries.Alerts())
        {
            queries.AddRange(PrometheusQueries.AlertOperands(expr).Select(operand => new DeployedQuery($"alert {alert} operand", operand)));
        }
        return queries;
    }

    private static async Task<Evaluation> EvaluateAsync(PrometheusServer prometheus, List<DeployedQuery> queries)
    {
        var empty = new List<string>();
        foreach (var query in queries)
        {
            if ((await prometheus.QueryAsync(query.Expr)).Count == 0)
            {
                empty.Add($"{query.Source}: {query.Expr}");
            }
        }
        var names = await prometheus.MetricNamesAsync();
        var missing = queries.SelectMany(q => PrometheusQueries.MetricNames(q.Expr).Select(name => (q.Source, Name: name)))
            .Where(n => !names.Contains(n.Name))
            .Select(n => $"{n.Name} (used by {n.Source})")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var rules = await prometheus.GetDataAsync("/api/v1/rules");
        var errors = rules.GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Where(r => r.GetProperty("health").GetString() != "ok")
            .Select(r => $"{r.GetProperty("name").GetString()}: {r.GetProperty("health").GetString()} {(r.TryGetProperty("lastError", out var e) ? e.GetString() : "")}")
            .ToList();
        return new Evaluation(empty, missing, errors);
    }

    private sealed record Evaluation(List<string> Empty, List<string> MissingNames, List<string> RuleErrors)
    {
        public bool Complete => Empty.Count == 0 && MissingNames.Count == 0 && RuleErrors.Count == 0;

        public override string ToString() =>
            $"{Environment.NewLine}no data: {string.Join(Environment.NewLine + "  ", ["", .. Empty])}" +
            $"{Environment.NewLine}unknown metric names: {string.Join(Environment.NewLine + "  ", ["", .. MissingNames])}" +
            $"{Environment.NewLine}rules not ok: {string.Join(Environment.NewLine + "  ", ["", .. RuleErrors])}";
    }

    public void Dispose()
    {
        if (_prometheus is not null)
        {
            log.WriteLine("----- prometheus -----");
            log.WriteLine(_prometheus.Output);
            _prometheus.Dispose();
        }
        _hosts.Dispose();
    }
}
