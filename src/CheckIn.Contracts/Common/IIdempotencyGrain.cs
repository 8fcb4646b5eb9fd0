namespace CheckIn.Contracts.Common;

/// <summary>A response kept for replay under an <c>Idempotency-Key</c>.</summary>
[GenerateSerializer, Immutable, Alias("checkin.StoredResponse")]
public sealed record StoredResponse(
    [property: Id(0)] int StatusCode,
    [property: Id(1)] string ContentType,
    [property: Id(2)] byte[] Body,
    [property: Id(3)] string? Location = null);

/// <summary>What the caller should do with a request that carries an idempotency key.</summary>
public enum IdempotencyDecision
{
    /// <summary>First time: run it, then call <see cref="IIdempotencyGrain.CompleteAsync"/>.</summary>
    Proceed = 1,
    /// <summary>Seen with the same body: return <see cref="IdempotencyCheck.Response"/>.</summary>
    Replay = 2,
    /// <summary>Seen with a different body: refuse (422).</summary>
    Mismatch = 3,
    /// <summary>The first request with this key is still running: ask the client to retry.</summary>
    InProgress = 4,
}

/// <summary>The answer of <see cref="IIdempotencyGrain.BeginAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("checkin.IdempotencyCheck")]
public sealed record IdempotencyCheck(
    [property: Id(0)] IdempotencyDecision Decision,
    [property: Id(1)] StoredResponse? Response);

/// <summary>
/// One idempotency key within one caller's scope (key <c>{scope}/{key}</c>). Remembers the request's fingerprint
/// and its final response for the retention period (24 h).
/// </summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Claims the key for a request with this fingerprint, or says how to answer a repeat.</summary>
    Task<IdempotencyCheck> BeginAsync(string requestFingerprint);

    /// <summary>Stores the response of the request that claimed the key; durable before it returns.</summary>
    Task CompleteAsync(string requestFingerprint, StoredResponse response);

    /// <summary>Gives the key up without a response (the request failed unexpectedly and may be retried).</summary>
    Task AbandonAsync(string requestFingerprint);
}
