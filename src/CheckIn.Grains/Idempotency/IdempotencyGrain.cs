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
/// is safe because every seat command is itself idempotent per passenger.
/// </summary>
internal sealed class IdempotencyGrain(
    [PersistentState("idempotency", StorageNames.Default)] IPersistentState<IdempotencyState> state,
    TimeProvider time) : Grain, IIdempotencyGrain
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private string? _runningFingerprint;

    public async Task<IdempotencyCheck> BeginAsync(string requestFingerprint)
    {
        if (state.State.Response is not null && time.GetUtcNow() - state.State.StoredAt >= Retention)
        {
            await state.ClearStateAsync();
            state.State = new IdempotencyState();
        }
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
        state.State.Fingerprint = requestFingerprint;
        state.State.Response = response;
        state.State.StoredAt = time.GetUtcNow();
        await state.WriteStateAsync();
        _runningFingerprint = null;
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
