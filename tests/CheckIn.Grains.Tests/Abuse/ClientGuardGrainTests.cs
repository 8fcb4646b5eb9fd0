using CheckIn.Contracts;
using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Abuse;

[Collection(ClusterCollection.Name)]
public sealed class ClientGuardGrainTests(ClusterFixture fixture)
{
    private static readonly ClientLimits Defaults = new(60, 20, 10);
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task The_thirty_first_read_in_five_seconds_blocks_with_the_incident_written_before_the_answer()
    {
        var client = NewClient();
        var guard = _grains.GetClientGuardGrain(client);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(GuardVerdict.Allowed, (await guard.CheckAsync(Read("F1"))).Verdict);
        }
        Assert.Empty(await fixture.AbuseIncidents.OfAsync(client));

        var answer = await guard.CheckAsync(Read("F1"));

        var now = fixture.Time.GetUtcNow();
        Assert.Equal(GuardVerdict.Blocked, answer.Verdict);
        Assert.Equal(AbuseRule.Burst, answer.Rule);
        Assert.Equal(now + TimeSpan.FromMinutes(15), answer.RetryAt);
        Assert.Equal(0, answer.Permits.SeatMapReads);
        // Read at once, no waiting: the incident is stored before the grain answers.
        var incident = Assert.Single(await fixture.AbuseIncidents.OfAsync(client));
        Assert.Equal(IncidentDecision.Blocked, incident.Decision);
        Assert.Equal(AbuseRule.Burst, incident.Rule);
        Assert.Equal(31, incident.ObservedCount);
        Assert.Equal(TimeSpan.FromSeconds(5), incident.Window);
        Assert.Equal(answer.RetryAt, incident.ExpiresAt);
        Assert.Equal(now, incident.At);
        Assert.Equal("system", incident.Actor);
        Assert.Contains("31", incident.Reason, StringComparison.Ordinal);
        var listed = Assert.Single((await _grains.GetBlockListGrain().GetAsync(-1)).Blocks!, b => b.ClientKey == client);
        Assert.Equal(new ClientBlock(client, AbuseRule.Burst, now, now + TimeSpan.FromMinutes(15), incident.IncidentId), listed);

        // Blocked now for every action, and nothing more is counted or recorded.
        Assert.Equal(GuardVerdict.Blocked, (await guard.CheckAsync(Command())).Verdict);
        Assert.Single(await fixture.AbuseIncidents.OfAsync(client));
    }

    [Fact]
    public async Task A_block_survives_deactivation_and_ends_after_fifteen_minutes_not_before()
    {
        var client = NewClient();
        var guard = _grains.GetClientGuardGrain(client);
        var blocked = await BlockAsync(guard);

        await fixture.DeactivateAsync(guard);
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(14) + TimeSpan.FromSeconds(59));

        var at1459 = await guard.CheckAsync(Command());
        Assert.Equal(GuardVerdict.Blocked, at1459.Verdict);
        Assert.Equal(blocked.RetryAt, at1459.RetryAt);
        Assert.Equal(AbuseRule.Burst, at1459.Rule);

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(2));

        var at1501 = await guard.CheckAsync(Command());
        Assert.Equal(GuardVerdict.Allowed, at1501.Verdict);
        Assert.True(at1501.Permits.SeatCommands > 0);
    }

    [Fact]
    public async Task An_expired_block_leaves_the_list_with_a_block_expired_incident()
    {
        var client = NewClient();
        var guard = _grains.GetClientGuardGrain(client);
        var list = _grains.GetBlockListGrain();
        await BlockAsync(guard);
        var withBlock = await list.GetAsync(-1);
        Assert.Contains(withBlock.Blocks!, b => b.ClientKey == client);

        await fixture.AdvanceAsync(TimeSpan.FromMinutes(15));
        // The list's sweep runs every 5 s of (fake) time; nobody calls the list meanwhile.
        var expired = await Eventually.Until(
            async () =>
            {
                await fixture.AdvanceAsync(TimeSpan.FromSeconds(1));
                return await fixture.AbuseIncidents.OfAsync(client) is [.., var last] ? last : null;
            },
            i => i?.Decision == IncidentDecision.BlockExpired,
            "the block's expiry incident");

        Assert.Equal(AbuseRule.Burst, expired!.Rule);
        Assert.Equal("system", expired.Actor);
        var now = await list.GetAsync(withBlock.Version);
        Assert.True(now.Version > withBlock.Version);
        Assert.DoesNotContain(now.Blocks!, b => b.ClientKey == client);
        Assert.Equal(2, (await fixture.AbuseIncidents.OfAsync(client)).Count);
    }

    [Fact]
    public async Task Lifting_a_block_records_who_and_why_and_removes_it_from_the_list()
    {
        var client = NewClient();
        var guard = _grains.GetClientGuardGrain(client);
        var list = _grains.GetBlockListGrain();
        await BlockAsync(guard);
        var before = await list.GetAsync(-1);

        Assert.True(await guard.LiftAsync("admin", "false positive: load test"));

        var lifted = (await fixture.AbuseIncidents.OfAsync(client))[^1];
        Assert.Equal(IncidentDecision.BlockLifted, lifted.Decision);
        Assert.Equal(AbuseRule.Burst, lifted.Rule);
        Assert.Equal("admin", lifted.Actor);
        Assert.Equal("false positive: load test", lifted.Reason);
        var after = await list.GetAsync(before.Version);
        Assert.True(after.Version > before.Version);
        Assert.DoesNotContain(after.Blocks!, b => b.ClientKey == client);
        Assert.Equal(GuardVerdict.Allowed, (await guard.CheckAsync(Read("F1"))).Verdict);
        Assert.False(await guard.LiftAsync("admin", "again"));
        Assert.Equal(2, (await fixture.AbuseIncidents.OfAsync(client)).Count);
    }

    [Fact]
    public async Task A_block_whose_incident_cannot_be_written_is_not_reported_until_it_is()
    {
        var client = NewClient();
        var guard = _grains.GetClientGuardGrain(client);
        for (var i = 0; i < 30; i++)
        {
            await guard.CheckAsync(Read("F1"));
        }

        using (fixture.AbuseIncidents.Fail(client))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => guard.CheckAsync(Read("F1")));
            await Assert.ThrowsAnyAsync<Exception>(() => guard.CheckAsync(Command()));
        }
        Assert.Empty(await fixture.AbuseIncidents.OfAsync(client));
        Assert.DoesNotContain((await _grains.GetBlockListGrain().GetAsync(-1)).Blocks!, b => b.ClientKey == client);

        var answer = await guard.CheckAsync(Command());

        Assert.Equal(GuardVerdict.Blocked, answer.Verdict);
        var incident = Assert.Single(await fixture.AbuseIncidents.OfAsync(client));
        Assert.Equal(31, incident.ObservedCount);
        Assert.Contains((await _grains.GetBlockListGrain().GetAsync(-1)).Blocks!, b => b.ClientKey == client && b.IncidentId == incident.IncidentId);
    }

    [Fact]
    public async Task The_block_list_tells_a_silo_that_has_the_current_version_only_that()
    {
        var list = _grains.GetBlockListGrain();
        var before = await list.GetAsync(-1);
        Assert.NotNull(before.Blocks);

        var same = await list.GetAsync(before.Version);
        Assert.Null(same.Blocks);

        var client = NewClient();
        await BlockAsync(_grains.GetClientGuardGrain(client));
        var changed = await list.GetAsync(before.Version);
        Assert.True(changed.Version > before.Version);
        Assert.Contains(changed.Blocks!, b => b.ClientKey == client);
    }

    [Fact]
    public async Task Each_client_is_limited_by_the_limits_its_silo_reports()
    {
        var small = _grains.GetClientGuardGrain(NewClient());
        var large = _grains.GetClientGuardGrain(NewClient());
        var tight = new ClientLimits(60, 2, 10);

        Assert.Equal(GuardVerdict.Allowed, (await small.CheckAsync(Command(tight))).Verdict);
        Assert.Equal(GuardVerdict.Allowed, (await small.CheckAsync(Command(tight))).Verdict);
        var refused = await small.CheckAsync(Command(tight));
        Assert.Equal(GuardVerdict.RateLimited, refused.Verdict);
        Assert.Equal(AbuseRule.SeatCommandRate, refused.Rule);
        Assert.True(refused.RetryAt > fixture.Time.GetUtcNow());

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(GuardVerdict.Allowed, (await large.CheckAsync(Command())).Verdict);
        }
    }

    [Fact]
    public async Task Attempts_a_silo_admitted_on_permits_count_when_it_reports_them()
    {
        var guard = _grains.GetClientGuardGrain(NewClient());
        var limits = new ClientLimits(60, 4, 10);
        var first = await guard.CheckAsync(new GuardReport("silo-a", limits, [], new ClientAttempt(LimitedAction.SeatCommand, null, fixture.Time.GetUtcNow(), false)));
        Assert.Equal(1, first.Permits.SeatCommands);
        var spent = new ClientAttempt(LimitedAction.SeatCommand, null, fixture.Time.GetUtcNow(), true);

        await guard.CheckAsync(new GuardReport("silo-a", limits, [spent, spent], null));

        // 1 decided + 2 reported = 3 of 4: one more, then refused.
        Assert.Equal(GuardVerdict.Allowed, (await guard.CheckAsync(Command(limits, "silo-b"))).Verdict);
        Assert.Equal(GuardVerdict.RateLimited, (await guard.CheckAsync(Command(limits, "silo-b"))).Verdict);
    }

    private async Task<GuardAnswer> BlockAsync(IClientGuardGrain guard)
    {
        GuardAnswer answer;
        var reads = 0;
        do
        {
            answer = await guard.CheckAsync(Read("F1"));
            reads++;
        }
        while (answer.Verdict != GuardVerdict.Blocked && reads < 100);
        Assert.Equal(GuardVerdict.Blocked, answer.Verdict);
        return answer;
    }

    private GuardReport Read(string flight, ClientLimits? limits = null, DateTimeOffset? at = null) =>
        new("silo-a", limits ?? Defaults, [], new ClientAttempt(LimitedAction.SeatMapRead, flight, at ?? fixture.Time.GetUtcNow(), false));

    private GuardReport Command(ClientLimits? limits = null, string silo = "silo-a") =>
        new(silo, limits ?? Defaults, [], new ClientAttempt(LimitedAction.SeatCommand, null, fixture.Time.GetUtcNow(), false));

    private static string NewClient() => $"ip:198.51.100.{Random.Shared.Next(1, 255)}-{Guid.NewGuid():N}";
}
