using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CheckIn.Payments;

internal sealed record HoldResponse(bool Holding, int Held);

internal sealed record ReleaseResponse(bool Holding, int Released, string Order);

internal sealed record EventResponse(PaymentWebhookEvent Event, bool Delivered, IReadOnlyList<DeliveryAttempt> Attempts);

/// <summary>Test controls over delivery: park and release (out-of-order arrival), inspect attempts, redeliver.</summary>
internal static class WebhooksApi
{
    public static void MapWebhooksApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/webhooks/hold", Hold);
        endpoints.MapPost("/api/webhooks/release", Release);
        endpoints.MapGet("/api/events", ListEvents);
        endpoints.MapPost("/api/events/{eventId}/redeliver", Redeliver);
    }

    public static JsonHttpResult<HoldResponse> Hold(WebhookDispatcher dispatcher) =>
        TypedResults.Json(new HoldResponse(true, dispatcher.Hold()), PaymentJson.Options);

    public static Results<JsonHttpResult<ReleaseResponse>, JsonHttpResult<PaymentProblem>> Release(
        [FromQuery] string? order, WebhookDispatcher dispatcher)
    {
        var normalized = order ?? "fifo";
        if (normalized is not ("fifo" or "reverse"))
        {
            return PaymentError.InvalidOrder("order must be 'fifo' or 'reverse'.").ToResult();
        }
        var released = dispatcher.Release(reverse: normalized == "reverse");
        return TypedResults.Json(new ReleaseResponse(false, released, normalized), PaymentJson.Options);
    }

    public static JsonHttpResult<EventResponse[]> ListEvents(WebhookDispatcher dispatcher) =>
        TypedResults.Json(dispatcher.Events().Select(ToResponse).ToArray(), PaymentJson.Options);

    public static Results<JsonHttpResult<EventResponse>, JsonHttpResult<PaymentProblem>> Redeliver(
        string eventId, WebhookDispatcher dispatcher)
    {
        var record = dispatcher.FindEvent(eventId);
        if (record is null || !dispatcher.Redeliver(eventId))
        {
            return PaymentError.EventNotFound(eventId).ToResult();
        }
        return TypedResults.Json(ToResponse(record), PaymentJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static EventResponse ToResponse(EventRecord record)
    {
        var attempts = record.Attempts();
        return new EventResponse(record.Event, attempts.Any(a => a.Succeeded), attempts);
    }
}
