using CheckIn.Contracts;
using CheckIn.Contracts.Abuse;
using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Grains.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace CheckIn.Durable.Tests;

/// <summary>Abuse incidents in PostgreSQL's <c>abuse_incidents</c> (sql/008): recorded once, filtered, newest first, every field kept.</summary>
[Collection(DurableCollection.Name)]
public sealed class AbuseIncidentLogTests(DurableServicesFixture services)
{
    private static readonly DateTimeOffset T0 = new(2030, 3, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Incidents_are_recorded_once_and_listed_newest_first_by_time_client_and_rule()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var log = cluster.Silos[0].ServiceProvider.GetRequiredService<IAbuseIncidentLog>();
        var burst = Incident("ip:203.0.113.7", AbuseRule.Burst, IncidentDecision.Blocked, T0, T0.AddMinutes(15));
        var lifted = Incident("ip:203.0.113.7", AbuseRule.Burst, IncidentDecision.BlockLifted, T0.AddMinutes(1), T0.AddMinutes(15));
        // Written in a non-UTC offset; the instant is what must survive.
        var scrape = Incident("ip:2001:db8:1:2::/64", AbuseRule.Scrape, IncidentDecision.Blocked, T0.AddMinutes(2).ToOffset(TimeSpan.FromHours(9)), T0.AddMinutes(17));
        var cooldown = Incident("passenger:SH101/ABC123-1", AbuseRule.HoldCycles, IncidentDecision.HoldCooldown, T0.AddMinutes(3), null);

        await log.AppendAsync(burst);
        await log.AppendAsync(lifted);
        await log.AppendAsync(scrape);
        await log.AppendAsync(cooldown);
        await log.AppendAsync(burst);

        Assert.Equal(4, await Db.ScalarAsync<long>(db, "SELECT count(*) FROM abuse_incidents"));
        Assert.Equal([cooldown, scrape with { At = scrape.At.ToUniversalTime() }, lifted, burst], await log.QueryAsync(new IncidentQuery(null, null, null, null, 100)));
        Assert.Equal([lifted.IncidentId, burst.IncidentId], (await log.QueryAsync(new IncidentQuery(null, null, "ip:203.0.113.7", null, 100))).Select(i => i.IncidentId));
        Assert.Equal([scrape.IncidentId], (await log.QueryAsync(new IncidentQuery(null, null, null, AbuseRule.Scrape, 100))).Select(i => i.IncidentId));
        Assert.Equal([scrape.IncidentId, lifted.IncidentId], (await log.QueryAsync(new IncidentQuery(T0.AddMinutes(1), T0.AddMinutes(3), null, null, 100))).Select(i => i.IncidentId));
        Assert.Equal([cooldown.IncidentId], (await log.QueryAsync(new IncidentQuery(null, null, null, null, 1))).Select(i => i.IncidentId));
        Assert.Empty(await log.QueryAsync(new IncidentQuery(null, null, "ip:203.0.113.7", AbuseRule.Scrape, 100)));
    }

    [Fact]
    public async Task A_block_decided_by_a_guard_grain_is_in_postgresql_before_the_answer()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var now = DateTimeOffset.UtcNow;
        var reads = Enumerable.Range(0, 30).Select(_ => new ClientAttempt(LimitedAction.SeatMapRead, "SH101", now, true)).ToList();
        var report = new GuardReport("silo-a", new ClientLimits(1000, 20, 10), reads, new ClientAttempt(LimitedAction.SeatMapRead, "SH101", now, true));

        var answer = await cluster.Client.GetClientGuardGrain("ip:198.51.100.31").CheckAsync(report);

        Assert.Equal(GuardVerdict.Blocked, answer.Verdict);
        Assert.Equal(
            ["ip:198.51.100.31|Burst|31|Blocked|system"],
            await Db.StringsAsync(db, "SELECT client_key || '|' || rule || '|' || observed_count || '|' || decision || '|' || actor FROM abuse_incidents"));
    }

    private static AbuseIncident Incident(string client, AbuseRule rule, IncidentDecision decision, DateTimeOffset at, DateTimeOffset? expires) =>
        new(Guid.NewGuid(), client, rule, decision == IncidentDecision.Blocked ? 31 : 0, TimeSpan.FromSeconds(5), decision, expires, at, "system", $"{decision} by {rule}");
}
