using System.Text.Json;

namespace CheckIn.Payments;

internal enum IntentStatus
{
    RequiresPayment,
    Succeeded,
    Failed,
    Canceled,
}

internal enum IntentAction
{
    Pay,
    Fail,
    Cancel,
}

internal sealed record PaymentIntent(
    string Id,
    IntentStatus Status,
    decimal Amount,
    string Currency,
    string Reference,
    string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

internal enum TransitionKind
{
    /// <summary>The intent left REQUIRES_PAYMENT: exactly one webhook event follows.</summary>
    Applied,

    /// <summary>The same transition again: the intent is returned unchanged and no event is emitted.</summary>
    Repeated,

    /// <summary>A different transition on a final intent: refused.</summary>
    AlreadyFinal,
}

internal sealed record IntentTransition(TransitionKind Kind, PaymentIntent Intent, IntentStatus Target);

/// <summary>
/// The intent lifecycle: REQUIRES_PAYMENT → SUCCEEDED | FAILED | CANCELED, and every final state is final. Unlike
/// Stripe, FAILED is not retryable here: to retry, the host creates a new intent (one intent, one outcome, one event).
/// </summary>
internal static class IntentRules
{
    public static IntentStatus TargetOf(IntentAction action) => action switch
    {
        IntentAction.Pay => IntentStatus.Succeeded,
        IntentAction.Fail => IntentStatus.Failed,
        IntentAction.Cancel => IntentStatus.Canceled,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    public static bool IsFinal(IntentStatus status) => status != IntentStatus.RequiresPayment;

    public static IntentTransition Apply(PaymentIntent intent, IntentAction action, DateTimeOffset now)
    {
        var target = TargetOf(action);
        if (!IsFinal(intent.Status))
        {
            return new IntentTransition(TransitionKind.Applied, intent with { Status = target, UpdatedAt = now }, target);
        }
        return new IntentTransition(intent.Status == target ? TransitionKind.Repeated : TransitionKind.AlreadyFinal, intent, target);
    }

    public static PaymentOutcome OutcomeOf(IntentStatus status) => status switch
    {
        IntentStatus.Succeeded => PaymentOutcome.Succeeded,
        IntentStatus.Failed => PaymentOutcome.Failed,
        IntentStatus.Canceled => PaymentOutcome.Canceled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "An intent awaiting payment has no outcome."),
    };

    public static PaymentWebhookEvent EventFor(PaymentIntent intent, string eventId)
    {
        var outcome = OutcomeOf(intent.Status);
        return new PaymentWebhookEvent(eventId, PaymentEventTypes.Of(outcome), intent.Id, outcome, intent.Amount,
            intent.Currency, intent.Reference, intent.UpdatedAt);
    }

    public static string WireName(IntentStatus status) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(status.ToString());
}
