using CheckIn.Contracts;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
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

    public static async Task<Results<Ok<PaymentWebhookResponse>, ProblemHttpResult>> Receive(
        HttpContext http, PaymentWebhookVerifier verifier, IGrainFactory grains, ILogger<PaymentWebhookVerifier> logger, CancellationToken cancellationToken)
    {
        var verification = await verifier.VerifyAsync(http.Request, cancellationToken);
        if (verification is PaymentWebhookVerification.Unauthorized refused)
        {
            LogRejected(logger, refused.Reason);
            return Problems.Create(401, ProblemCodes.WebhookSignatureInvalid, $"The webhook signature was not accepted ({refused.Reason}).", WebhookSignature.SignatureHeader);
        }
        if (verification is PaymentWebhookVerification.TooLarge)
        {
            return Problems.PayloadTooLarge();
        }
        if (verification is not PaymentWebhookVerification.Valid { Event: var e })
        {
            var reason = verification is PaymentWebhookVerification.Malformed malformed ? malformed.Reason : "unreadable body";
            return Problems.Create(400, ProblemCodes.MalformedRequest, $"The webhook body is not a payment event: {reason}.", "body");
        }

        if (!TrySplit(e.Reference, out var flightId, out var passengerId))
        {
            // Not one of ours: acknowledged (the provider would otherwise retry for days) and logged.
            LogUnknownReference(logger, e.Id, e.Reference);
            return TypedResults.Ok(new PaymentWebhookResponse(e.Id, PaymentEventEffect.UnknownIntent, null, null, null));
        }
        var outcome = e.Outcome switch
        {
            PaymentOutcome.Succeeded => PaymentStatus.Succeeded,
            PaymentOutcome.Failed => PaymentStatus.Failed,
            _ => PaymentStatus.Canceled,
        };
        var context = new CommandContext("payment-provider", "payment webhook", System.Diagnostics.Activity.Current?.TraceId.ToString() ?? e.Id);
        var applied = await grains.GetCheckInGrain(flightId, passengerId).ApplyPaymentEventAsync(new PaymentEvent(e.Id, e.IntentId, outcome, e.OccurredAt), context);
        if (!applied.IsSuccess)
        {
            LogUnknownReference(logger, e.Id, e.Reference);
            return TypedResults.Ok(new PaymentWebhookResponse(e.Id, PaymentEventEffect.UnknownIntent, flightId, passengerId, null));
        }
        LogApplied(logger, e.Id, e.IntentId, e.Outcome, applied.Value.Effect, flightId, passengerId);
        return TypedResults.Ok(new PaymentWebhookResponse(e.Id, applied.Value.Effect, flightId, passengerId, applied.Value.CheckIn.Status));
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment webhook {EventId}: reference {Reference} is no check-in of ours; acknowledged and ignored")]
    private static partial void LogUnknownReference(ILogger logger, string eventId, string reference);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment webhook {EventId}: intent {IntentId} {Outcome} → {Effect} for check-in {FlightId}/{PassengerId}")]
    private static partial void LogApplied(ILogger logger, string eventId, string intentId, PaymentOutcome outcome, PaymentEventEffect effect, string flightId, string passengerId);
}
