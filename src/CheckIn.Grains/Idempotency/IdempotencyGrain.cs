using CheckIn.Contracts.Common;

namespace CheckIn.Grains.Idempotency;

internal sealed class IdempotencyState
{
    public string? Fingerprint { get; set; }
    public StoredResponse? Response { get; set; }
    public DateTimeOffset StoredAt { get; set; }
}

/// <summary>
/// Remembers one idempotency key's request fingerprint and final response for <see cref="Retention"/>.
/// The claim of a running request lives in memory only: if this activation is lost, a retry runs again, which
/// is safe because every seat command is itself idempotent per passenger. A stored response is cleared when its
/// retention ends — by a reminder registered with it, so keys that are never used again do not stay in storage
/// for good (and nothing ever scans for them) — or by the first request after that, whichever comes first.
/// </summary>
internal sealed class IdempotencyGrain(
    [PersistentState(IdempotencyGrain.StateName, StorageNames.Default)] IPersistentState<IdempotencyState> state,
    TimeProvider time) : Grain, IIdempotencyGrain, IRemindable
{
    private const string ExpiryReminder = "idempotency-expiry";
    private static readonly TimeSpan ReminderRetry = TimeSpan.FromMinutes(1);

    internal const string StateName = "idempotency";

    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private string? _runningFingerprint;

    public async Task<IdempotencyCheck> BeginAsync(string requestFingerprint)
    {
        await ClearIfExpiredAsync();
        if (state.State.Response is { } stored)
        {
            return state.State.Fingerprint == requestFingerprint
                ? new IdempotencyCheck(IdempotencyDecision.Replay, stored)
                : new IdempotencyCheck(IdempotencyDecision.Mismatch, null);
        }
        if (_runningFingerprint is not null)
        {
            return _runningFingerprint == requestFingerprint
                ? new IdempotencyCheck(IdempotencyDecision.InProgress, null)
                : new IdempotencyCheck(IdempotencyDecision.Mismatch, null);
        }
        _runningFingerprint = requestFingerprint;
        return new IdempotencyCheck(IdempotencyDecision.Proceed, null);
    }

    public async Task CompleteAsync(string requestFingerprint, StoredResponse response)
    {
        if (_runningFingerprint != requestFingerprint || state.State.Response is not null)
        {
            return;
        }
        // The reminder first: a stored response is never durable without what removes it. A reminder that finds
        // nothing stored (the write below failed) just goes away.
        // Stored "now" is taken first, so the reminder never fires before the retention is over.
        var now = time.GetUtcNow();
        await this.RegisterOrUpdateReminder(ExpiryReminder, Retention, ReminderRetry);
        state.State.Fingerprint = requestFingerprint;
        state.State.Response = response;
        state.State.StoredAt = now;
        await state.WriteStateAsync();
        _runningFingerprint = null;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }
        await ClearIfExpiredAsync();
        if (state.State.Response is null && await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            // Cleared (or never stored): done. A failed clear throws above and the next tick (a minute later) retries.
            await this.UnregisterReminder(reminder);
            DeactivateOnIdle();
        }
    }

    private async Task ClearIfExpiredAsync()
    {
        if (state.State.Response is not null && time.GetUtcNow() - state.State.StoredAt >= Retention)
        {
            // With the ADO.NET provider this leaves the row with no payload (it keeps its version for concurrency).
            await state.ClearStateAsync();
            state.State = new IdempotencyState();
        }
    }

    public Task AbandonAsync(string requestFingerprint)
    {
        if (_runningFingerprint == requestFingerprint)
        {
            _runningFingerprint = null;
        }
        return Task.CompletedTask;
    }
}
