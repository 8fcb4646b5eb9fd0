using CheckIn.Contracts;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Grains.Telemetry;
using CheckIn.Host.Integrations;
using CheckIn.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Host.Api;

public sealed record PaymentWebhookResponse(string EventId, PaymentEventEffect Effect, string? FlightId, string? PassengerId, CheckInStatus? CheckInStatus);

/// <summary>
/// The payment provider's webhook: signed (HMAC-SHA256 over timestamp + body, ±5 min), applied once per event id by
/// the check-in the intent belongs to (its reference is the check-in's key).
/// </summary>
internal static partial class PaymentWebhookApi
{
    public static RouteHandlerBuilder MapPaymentWebhookApi(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/payments/webhook", Receive)
            .WithTags("Payments")
            .WithName("ReceivePaymentWebhook")
            .WithSummary("The payment provider's signed webhook: applies a payment intent's outcome to its check-in, once per event id.")
            .Accepts<PaymentWebhookEvent>("application/json")
            .ProducesProblems(400, 401, 413, 503)
            // Its own limit, checked by the verifier too, above the API's default.
            .WithMetadata(new Hosting.RequestBodyLimit.Limit(PaymentWebhookVerifier.MaxBodyBytes))
            .AllowAnonymous();

    /// <summary>What the webhook needs besides the request: the verifier, the grains and its telemetry.</summary>
    public readonly record struct WebhookServices(
        PaymentWebhookVerifier Verifier, IGrainFactory Grains, CheckInMetrics Metrics, Pseudonyms Pseudonyms, ILogger<PaymentWebhookVerifier> Logger);

    public static async Task<Results<Ok<PaymentWebhookResponse>, ProblemHttpResult>> Receive(
        HttpContext http, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var (verifier, grains, metrics, pseudonyms, logger) = services;
        var verification = await verifier.VerifyAsync(http.Request, cancellationToken);
        if (verification is PaymentWebhookVerification.Unauthorized refused)
        {
            metrics.PaymentWebhook(WebhookOutcomes.BadSignature);
            using (HostLogScope.Begin(logger, null, null, Actor, $"signature {refused.Reason}"))
            {
                LogRejected(logger, refused.Reason);
            }
            return Problems.Create(401, ProblemCodes.WebhookSignatureInvalid, $"The webhook signature was not accepted ({refused.Reason}).", WebhookSignature.SignatureHeader);
        }
        if (verification is PaymentWebhookVerification.TooLarge)
        {
            metrics.PaymentWebhook(WebhookOutcomes.TooLarge);
            return Problems.PayloadTooLarge();
        }
        if (verification is not PaymentWebhookVerification.Valid { Event: var e })
        {
            metrics.PaymentWebhook(WebhookOutcomes.Malformed);
            var reason = verification is PaymentWebhookVerification.Malformed malformed ? malformed.Reason : "unreadable body";
            return Problems.Create(400, ProblemCodes.MalformedRequest, $"The webhook body is not a payment event: {reason}.", "body");
        }

        if (!TrySplit(e.Reference, out var flightId, out var passengerId))
        {
            // Not one of ours: acknowledged (the provider would otherwise retry for days) and logged.
            metrics.PaymentWebhook(WebhookOutcomes.UnknownIntent);
            using (HostLogScope.Begin(logger, null, pseudonyms.Passenger(e.Reference), Actor, "reference is no check-in"))
            {
                LogUnknownReference(logger, e.Id);
            }
            return TypedResults.Ok(new PaymentWebhookResponse(e.Id, PaymentEventEffect.UnknownIntent, null, null, null));
        }
        var passenger = pseudonyms.Passenger(passengerId);
        var outcome = e.Outcome switch
        {
            PaymentOutcome.Succeeded => PaymentStatus.Succeeded,
            PaymentOutcome.Failed => PaymentStatus.Failed,
            _ => PaymentStatus.Canceled,
        };
        var context = new CommandContext(Actor, "payment webhook", System.Diagnostics.Activity.Current?.TraceId.ToString() ?? e.Id);
        var applied = await grains.GetCheckInGrain(flightId, passengerId).ApplyPaymentEventAsync(new PaymentEvent(e.Id, e.IntentId, outcome, e.OccurredAt), context);
        if (!applied.IsSuccess)
        {
            metrics.PaymentWebhook(WebhookOutcomes.UnknownIntent);
            using (HostLogScope.Begin(logger, null, passenger, Actor, "reference is no check-in"))
            {
                LogUnknownReference(logger, e.Id);
            }
            return TypedResults.Ok(new PaymentWebhookResponse(e.Id, PaymentEventEffect.UnknownIntent, flightId, passengerId, null));
        }
        var effect = applied.Value.Effect;
        metrics.PaymentWebhook(WebhookOutcomes.Of(effect));
        using (HostLogScope.Begin(logger, flightId, passenger, Actor, $"payment {e.Outcome.ToString().ToLowerInvariant()}: {WebhookOutcomes.Of(effect)}"))
        {
            LogApplied(logger, e.Id, e.IntentId, e.Outcome, effect, flightId, passenger!);
        }
        return TypedResults.Ok(new PaymentWebhookResponse(e.Id, effect, flightId, passengerId, applied.Value.CheckIn.Status));
    }

    /// <summary>Who sends webhooks (the audit record's actor, and the log scope's).</summary>
    private const string Actor = "payment-provider";

    private static bool TrySplit(string reference, out string flightId, out string passengerId)
    {
        try
        {
            (flightId, passengerId) = GrainKeys.Split(reference);
            return true;
        }
        catch (ArgumentException)
        {
            (flightId, passengerId) = ("", "");
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment webhook rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, WebhookCheck reason);

    // The reference is "{flightId}/{passengerId}": it carries the PNR, so lines show the passenger's pseudonym only.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment webhook {EventId}: its reference is no check-in of ours; acknowledged and ignored")]
    private static partial void LogUnknownReference(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment webhook {EventId}: intent {IntentId} {Outcome} → {Effect} for the check-in of {Passenger} on {FlightId}")]
    private static partial void LogApplied(ILogger logger, string eventId, string intentId, PaymentOutcome outcome, PaymentEventEffect effect, string flightId, string passenger);
}

/// <summary>
/// The <c>outcome</c> tag of <c>checkin.payment.webhooks</c>: what became of a delivery. Besides the five of the
/// design, <c>intent_already_final</c> (a late or conflicting event for a settled intent, recorded and ignored) and
/// <c>too_large</c> (413, refused unread) exist and are counted under their own names.
/// </summary>
internal static class WebhookOutcomes
{
    public const string Applied = "applied";
    public const string Duplicate = "duplicate";
    public const string BadSignature = "bad_signature";
    public const string UnknownIntent = "unknown_intent";
    public const string Malformed = "malformed";
    public const string IntentAlreadyFinal = "intent_already_final";
    public const string TooLarge = "too_large";

    public static string Of(PaymentEventEffect effect) => effect switch
    {
        PaymentEventEffect.Applied => Applied,
        PaymentEventEffect.Duplicate => Duplicate,
        PaymentEventEffect.IntentAlreadyFinal => IntentAlreadyFinal,
        _ => UnknownIntent,
    };
}
