namespace CheckIn.Payments;

internal enum CreateKind
{
    Created,
    Replayed,
    KeyReused,
}

internal sealed record CreateResult(CreateKind Kind, PaymentIntent? Intent);

/// <summary>
/// In-memory intents and idempotency keys. One lock makes "apply the rule, store the result, emit the event" atomic,
/// so two concurrent <c>pay</c> calls produce one transition and one event.
/// </summary>
internal sealed class IntentLedger(WebhookDispatcher dispatcher, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PaymentIntent> _intents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (NewIntent Request, string IntentId)> _idempotencyKeys = new(StringComparer.Ordinal);

    public CreateResult Create(NewIntent request, string? idempotencyKey)
    {
        lock (_gate)
        {
            if (idempotencyKey is not null && _idempotencyKeys.TryGetValue(idempotencyKey, out var earlier))
            {
                return earlier.Request == request
                    ? new CreateResult(CreateKind.Replayed, _intents[earlier.IntentId])
                    : new CreateResult(CreateKind.KeyReused, null);
            }
            var now = time.GetUtcNow();
            var intent = new PaymentIntent(Ids.NewIntentId(), IntentStatus.RequiresPayment, request.Amount, request.Currency,
                request.Reference, request.Description, now, now);
            _intents.Add(intent.Id, intent);
            if (idempotencyKey is not null)
            {
                _idempotencyKeys.Add(idempotencyKey, (request, intent.Id));
            }
            return new CreateResult(CreateKind.Created, intent);
        }
    }

    public PaymentIntent? Find(string id)
    {
        lock (_gate)
        {
            return _intents.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<PaymentIntent> List(string? reference)
    {
        lock (_gate)
        {
            return [.. _intents.Values
                .Where(i => reference is null || string.Equals(i.Reference, reference, StringComparison.Ordinal))
                .OrderBy(i => i.CreatedAt)
                .ThenBy(i => i.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Null when the intent does not exist.</summary>
    public IntentTransition? Transition(string id, IntentAction action, DeliveryPlan plan)
    {
        lock (_gate)
        {
            if (!_intents.TryGetValue(id, out var intent))
            {
                return null;
            }
            var transition = IntentRules.Apply(intent, action, time.GetUtcNow());
            if (transition.Kind == TransitionKind.Applied)
            {
                _intents[id] = transition.Intent;
                dispatcher.Publish(IntentRules.EventFor(transition.Intent, Ids.NewEventId()), plan);
            }
            return transition;
        }
    }
}
