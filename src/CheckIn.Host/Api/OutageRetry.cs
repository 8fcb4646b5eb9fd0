using CheckIn.Grains.Telemetry;

namespace CheckIn.Host.Api;

/// <summary>
/// Marks a route whose repetition cannot apply twice, so <see cref="OutageRetryFilter"/> may repeat it: the seat
/// commands, which the passenger's seat grain answers the same way when asked again (SeatRules: a repeated hold keeps
/// the hold, a repeated confirm or release reports the seat as it now is).
/// </summary>
internal sealed class SafeToRetryMetadata
{
    public static readonly SafeToRetryMetadata Instance = new();

    private SafeToRetryMetadata()
    {
    }
}

internal static class OutageRetryEndpoints
{
    /// <summary>Lets <see cref="OutageRetryFilter"/> repeat this command once after a transient failure.</summary>
    public static TBuilder SafeToRetry<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(SafeToRetryMetadata.Instance);
}

/// <summary>
/// Repeats a request once, inside the host, when it failed with a transient cluster or storage failure
/// (<see cref="ExceptionProblems.IsUnavailable"/>) and repeating it is safe: a read (GET, HEAD), a route marked
/// <see cref="OutageRetryEndpoints.SafeToRetry"/>, or a command under an <c>Idempotency-Key</c> its route honours
/// (<see cref="IdempotencyFilter.IsKeyed"/>). Anything else, or a second failure, goes on to
/// <see cref="ExceptionProblems"/>: 503 with Retry-After.
/// </summary>
internal sealed partial class OutageRetryFilter(TimeProvider time, CheckInMetrics metrics, ILogger<OutageRetryFilter> logger) : IEndpointFilter
{
    /// <summary>
    /// The pause before the one repeat. What a repeat can ride out is short: a storage conflict or error after which
    /// Orleans deactivated the grain (the repeat reloads it), a call lost with a connection that dropped, an activation
    /// handed over by a silo shutting down (about 1 s, most of it before the failure reaches us). A silo killed outright
    /// takes 1.6-2.4 s to be declared dead (MembershipSettings): waiting that long inside every request of its grains
    /// would hold threads and sockets on a host that is already short of them, so after 0.5 s one more try, and if that
    /// fails too the client waits out the rest with Retry-After: 2.
    /// </summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A failure that took longer than this (Orleans's 30 s response timeout) is not repeated: the client would wait
    /// as long again for what is most likely the same answer.
    /// </summary>
    public static readonly TimeSpan SlowFailure = TimeSpan.FromSeconds(5);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var started = time.GetTimestamp();
        try
        {
            return await next(context);
        }
        catch (Exception first) when (MayRepeat(http, first, time.GetElapsedTime(started)))
        {
            // The exception's types, never its text or the path: either may carry a PNR.
            LogRetrying(logger, http.Request.Method, ExceptionProblems.RouteOf(http), ExceptionProblems.TypesOf(first), (int)Delay.TotalMilliseconds);
        }

        var route = ExceptionProblems.RouteOf(http);
        try
        {
            await Task.Delay(Delay, time, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            metrics.ApiRetry(route, "cancelled");
            throw;
        }
        try
        {
            var result = await next(context);
            metrics.ApiRetry(route, "succeeded");
            return result;
        }
        catch (Exception again)
        {
            metrics.ApiRetry(route, ExceptionProblems.IsUnavailable(again) ? "unavailable" : "failed");
            throw;
        }
    }

    private static bool MayRepeat(HttpContext http, Exception exception, TimeSpan took) =>
        ExceptionProblems.IsUnavailable(exception)
        && !http.RequestAborted.IsCancellationRequested
        // Something was sent (an event stream's first events): a repeat would send it again.
        && !http.Response.HasStarted
        && took < SlowFailure
        && IsSafe(http);

    private static bool IsSafe(HttpContext http) =>
        HttpMethods.IsGet(http.Request.Method)
        || HttpMethods.IsHead(http.Request.Method)
        || http.GetEndpoint()?.Metadata.GetMetadata<SafeToRetryMetadata>() is not null
        || IdempotencyFilter.IsKeyed(http);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient failure on {Method} {Route} ({Exceptions}); repeating once in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string method, string route, string exceptions, int delayMs);
}
