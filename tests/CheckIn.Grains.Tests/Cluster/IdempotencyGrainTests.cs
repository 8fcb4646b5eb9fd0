using System.Text;
using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Grains.Idempotency;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class IdempotencyGrainTests(ClusterFixture fixture)
{
    private static readonly StoredResponse Created = new(201, "application/json", Encoding.UTF8.GetBytes("""{"seat":"12A"}"""));

    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task The_first_request_proceeds_and_a_repeat_after_completion_replays_its_response()
    {
        var key = NewKey();

        var first = await key.BeginAsync("fp-1");
        await key.CompleteAsync("fp-1", Created);
        var repeat = await key.BeginAsync("fp-1");

        Assert.Equal(new IdempotencyCheck(IdempotencyDecision.Proceed, null), first);
        Assert.Equal(IdempotencyDecision.Replay, repeat.Decision);
        Assert.NotNull(repeat.Response);
        Assert.Equal((Created.StatusCode, Created.ContentType), (repeat.Response.StatusCode, repeat.Response.ContentType));
        Assert.Equal(Created.Body, repeat.Response.Body);
    }

    [Fact]
    public async Task A_different_request_with_a_completed_key_is_a_mismatch()
    {
        var key = NewKey();
        await key.BeginAsync("fp-1");
        await key.CompleteAsync("fp-1", Created);

        Assert.Equal(new IdempotencyCheck(IdempotencyDecision.Mismatch, null), await key.BeginAsync("fp-2"));
        Assert.Equal(IdempotencyDecision.Replay, (await key.BeginAsync("fp-1")).Decision);
    }

    [Fact]
    public async Task A_repeat_while_the_first_request_runs_is_in_progress()
    {
        var key = NewKey();
        Assert.Equal(IdempotencyDecision.Proceed, (await key.BeginAsync("fp-1")).Decision);

        Assert.Equal(new IdempotencyCheck(IdempotencyDecision.InProgress, null), await key.BeginAsync("fp-1"));
        Assert.Equal(IdempotencyDecision.Mismatch, (await key.BeginAsync("fp-2")).Decision);
        await key.CompleteAsync("fp-2", Created);
        Assert.Equal(IdempotencyDecision.InProgress, (await key.BeginAsync("fp-1")).Decision);
    }

    [Fact]
    public async Task An_abandoned_request_may_run_again()
    {
        var key = NewKey();
        await key.BeginAsync("fp-1");

        await key.AbandonAsync("fp-1");

        Assert.Equal(IdempotencyDecision.Proceed, (await key.BeginAsync("fp-1")).Decision);
    }

    [Fact]
    public async Task Keys_of_different_scopes_are_independent()
    {
        var key = Guid.NewGuid().ToString("N");
        var alice = _grains.GetIdempotencyGrain("passenger:ABC123-1", key);
        var bob = _grains.GetIdempotencyGrain("passenger:ABC123-2", key);

        await alice.BeginAsync("fp-1");
        await alice.CompleteAsync("fp-1", Created);

        Assert.Equal(IdempotencyDecision.Proceed, (await bob.BeginAsync("fp-2")).Decision);
    }

    [Fact]
    public async Task A_stored_response_is_cleared_from_storage_after_24_hours_although_the_key_is_never_used_again()
    {
        var key = NewKey();
        var storedAt = fixture.Time.GetUtcNow();
        await key.BeginAsync("fp-1");
        await key.CompleteAsync("fp-1", Created);
        Assert.NotNull((await StoredAsync(key)).Response);

        // Nobody asks for the key again: a reminder due when the retention ends wakes the grain, which clears its row.
        var due = await fixture.ReminderDueAsync(key, "idempotency-expiry");
        Assert.NotNull(due);
        Assert.InRange(due.Value - storedAt, IdempotencyGrain.Retention, IdempotencyGrain.Retention + TimeSpan.FromMinutes(1));
        await fixture.AdvanceAsync(IdempotencyGrain.Retention + TimeSpan.FromMinutes(1));
        await key.AsReference<IRemindable>().ReceiveReminder("idempotency-expiry", default);

        Assert.Null((await StoredAsync(key)).Response);
        Assert.Null(await fixture.ReminderDueAsync(key, "idempotency-expiry"));
        Assert.Equal(IdempotencyDecision.Proceed, (await key.BeginAsync("fp-2")).Decision);
    }

    [Fact]
    public async Task A_reminder_tick_before_the_retention_ends_keeps_the_response()
    {
        var key = NewKey();
        await key.BeginAsync("fp-1");
        await key.CompleteAsync("fp-1", Created);

        await fixture.AdvanceAsync(IdempotencyGrain.Retention - TimeSpan.FromMinutes(1));
        await key.AsReference<IRemindable>().ReceiveReminder("idempotency-expiry", default);

        Assert.NotNull((await StoredAsync(key)).Response);
        Assert.NotNull(await fixture.ReminderDueAsync(key, "idempotency-expiry"));
        Assert.Equal(IdempotencyDecision.Replay, (await key.BeginAsync("fp-1")).Decision);
    }

    private async Task<IdempotencyState> StoredAsync(IIdempotencyGrain key)
    {
        var stored = new GrainState<IdempotencyState>(new IdempotencyState());
        await fixture.Storage.ReadStateAsync(IdempotencyGrain.StateName, key.GetGrainId(), stored);
        return stored.State ?? new IdempotencyState();
    }

    private IIdempotencyGrain NewKey() => _grains.GetIdempotencyGrain("test", Guid.NewGuid().ToString("N"));
}
