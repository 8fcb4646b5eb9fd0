using System.Collections.Concurrent;
using CheckIn.Grains.CheckIns;

namespace CheckIn.Grains.Tests.Support;

/// <summary>A scale whose answers the tests set per bag tag (20 kg for any other tag).</summary>
public sealed class FakeBagScale : IBagScale
{
    private readonly ConcurrentDictionary<string, BagWeighing> _answers = new(StringComparer.Ordinal);

    public void Set(string bagTag, BagWeighing answer) => _answers[bagTag] = answer;

    public Task<BagWeighing> WeighAsync(string bagTag, CancellationToken cancellationToken = default) =>
        Task.FromResult(_answers.TryGetValue(bagTag, out var answer) ? answer : BagWeighing.Weighed(20m));
}

/// <summary>A payment provider that keeps its intents in memory, honours idempotency keys and can be "down".</summary>
public sealed class FakePaymentGateway : IPaymentGateway
{
    private readonly ConcurrentDictionary<string, string> _byKey = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, PaymentRequest> Intents { get; } = new(StringComparer.Ordinal);

    public ConcurrentBag<string> Cancelled { get; } = [];

    /// <summary>References (check-in keys) for which the provider does not answer.</summary>
    public ConcurrentDictionary<string, bool> DownFor { get; } = new(StringComparer.Ordinal);

    public Task<PaymentIntentCreated> CreateIntentAsync(PaymentRequest request, CancellationToken cancellationToken = default)
    {
        if (DownFor.ContainsKey(request.Reference))
        {
            return Task.FromResult(new PaymentIntentCreated(null, null, true, TimeSpan.FromSeconds(7)));
        }
        var id = _byKey.GetOrAdd(request.IdempotencyKey, _ => "pi_" + Guid.NewGuid().ToString("N"));
        Intents[id] = request;
        return Task.FromResult(new PaymentIntentCreated(id, $"/sim/payments/pay/{id}", false));
    }

    /// <summary>Intents the provider already took payment for: a cancellation comes too late.</summary>
    public ConcurrentDictionary<string, bool> Paid { get; } = new(StringComparer.Ordinal);

    public Task<IntentCancellation> CancelIntentAsync(string intentId, CancellationToken cancellationToken = default)
    {
        if (Paid.ContainsKey(intentId) || !Intents.ContainsKey(intentId))
        {
            return Task.FromResult(IntentCancellation.AlreadyFinal);
        }
        Cancelled.Add(intentId);
        return Task.FromResult(IntentCancellation.Canceled);
    }
}
