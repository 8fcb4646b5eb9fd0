using CheckIn.Grains.Abuse;

namespace CheckIn.Host.Abuse;

/// <summary>
/// Applies blocks to every <c>/api</c> request but the payment webhook (it has its own signature, and the provider
/// must never be locked out), and limits to the endpoints marked <see cref="RateLimitedAttribute"/>.
/// </summary>
internal sealed class AbuseMiddleware(RequestDelegate next, ClientGuard guard, ClientIdentity identity, AbuseRejections rejections, TimeProvider time)
{
    public const string ApiPrefix = "/api";
    public const string WebhookPath = "/api/payments/webhook";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!guard.Enabled || !IsGuarded(context.Request.Path))
        {
            await next(context);
            return;
        }
        var client = identity.Resolve(context);
        var action = context.GetEndpoint()?.Metadata.GetMetadata<RateLimitedAttribute>()?.Action;
        GuardDecision? refusal;
        if (action is { } limited)
        {
            var decision = await guard.CheckAsync(client.Key, client.Limits, limited, FlightOf(context));
            refusal = decision.IsAllowed ? null : decision;
        }
        else
        {
            refusal = guard.BlockOf(client.Key);
        }
        if (refusal is { } refused)
        {
            rejections.TooMany(client, refused, action);
            await AbuseProblems.TooMany(refused, action, client.Limits, guard.Options, time.GetUtcNow()).ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool IsGuarded(PathString path) =>
        path.StartsWithSegments(ApiPrefix, StringComparison.OrdinalIgnoreCase)
        && !path.StartsWithSegments(WebhookPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>The flight of a seat-map read (route value <c>flightId</c>), bounded so a client cannot make the guard keep long strings.</summary>
    private static string? FlightOf(HttpContext context) =>
        context.GetRouteValue("flightId") is string { Length: > 0 } flight ? (flight.Length <= 64 ? flight : flight[..64]) : null;
}
