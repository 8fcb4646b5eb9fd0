using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace CheckIn.Host.Api;

/// <summary>
/// Turns exceptions into problems: bad input (the framework's <see cref="BadHttpRequestException"/>) into 4xx that
/// names the field, cluster and storage outages (wrapped or not) into 503 with Retry-After, anything else into a logged 500.
/// </summary>
internal sealed partial class ExceptionProblems(ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problems.PayloadTooLarge(),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                Problems.Create(415, ProblemCodes.UnsupportedMediaType, "Send the body as application/json."),
            BadHttpRequestException bad when FindJsonError(bad) is { } json =>
                Problems.Create(400, ProblemCodes.MalformedRequest, DescribeJsonError(json), FieldOf(json)),
            // The framework's own message names the parameter's .NET type ("Nullable<int>"): not echoed.
            BadHttpRequestException bad =>
                Problems.Create(bad.StatusCode, ProblemCodes.MalformedRequest,
                    $"A value in the route, query string or headers of {httpContext.Request.Path} is not of the type API-SPECIFICATION.yml documents for it."),
            _ when IsUnavailable(exception) || LocalSiloIsLeaving(httpContext) => Unavailable(httpContext, exception),
            _ => null,
        };
        if (result is null)
        {
            LogUnexpected(logger, exception, httpContext.Request.Method, RouteOf(httpContext));
            result = Problems.Create(500, ProblemCodes.InternalError, "Something went wrong on our side; nothing was changed by this request unless a later read shows otherwise.");
        }
        await result.ExecuteAsync(httpContext);
        return true;
    }

    private Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unavailable(HttpContext httpContext, Exception exception)
    {
        // The exception's types, not its text: Orleans's messages name the target grain, whose key may carry a PNR.
        LogUnavailable(logger, httpContext.Request.Method, RouteOf(httpContext), TypesOf(exception));
        httpContext.Response.Headers.RetryAfter = "2";
        return Problems.Create(503, ProblemCodes.ServiceUnavailable, "The check-in cluster is briefly unavailable; retry shortly with the same Idempotency-Key.");
    }

    /// <summary>
    /// A cluster or storage outage anywhere in the chain: Orleans wraps a storage provider's failure (PostgreSQL's
    /// 53300 "too many clients", a pool timeout) in an <see cref="OrleansException"/>, and the caller may see it inside
    /// an <see cref="AggregateException"/>. Decided by type (and, for the one refusal Orleans has no type for, a fixed
    /// phrase: <see cref="IsRefusedRegistration"/>).
    /// </summary>
    internal static bool IsUnavailable(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        // A chain is short; the bound only guards against a cycle a hand-made exception could build.
        for (var seen = 0; pending.Count > 0 && seen < 64; seen++)
        {
            var e = pending.Pop();
            if (IsTransient(e))
            {
                return true;
            }
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
        return false;
    }

    /// <summary>
    /// The types an outage throws. Orleans: a timed-out call, a silo that is gone or refused the message (SiloUnavailable
    /// is one of those), a gateway shedding load, a connection that could not be made, a storage conflict (the grain
    /// deactivates and the next call reloads). PostgreSQL: any <see cref="System.Data.Common.DbException"/> (Npgsql's
    /// and its server errors). Redis (membership): a lost connection; its timeout is a <see cref="TimeoutException"/>.
    /// The network itself: <see cref="System.Net.Sockets.SocketException"/>. And a cancellation that reaches the handler
    /// while the client is still there: a timeout somewhere inside (the client leaving never gets here).
    /// </summary>
    private static bool IsTransient(Exception e) =>
        e is TimeoutException or OrleansMessageRejectionException or GatewayTooBusyException
            or Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Storage.InconsistentStateException
            or System.Data.Common.DbException or StackExchange.Redis.RedisConnectionException
            or System.Net.Sockets.SocketException or OperationCanceledException
        || IsRefusedRegistration(e);

    /// <summary>
    /// The one outage Orleans reports only as a plain <see cref="OrleansException"/>: the grain directory refused to
    /// register an activation on a silo it already knows as dead ("Trying to register ... on invalid silo ... Known
    /// status: Dead"), raised before the grain ran the call. The silo learns it was declared dead at its next table
    /// read and stops; until then its requests meet this. Matched on that fixed phrase of Orleans's (only to decide,
    /// never logged: the message names the grain). Found by the fault suite's soak: a 500 before this.
    /// </summary>
    private static bool IsRefusedRegistration(Exception e) =>
        e.GetType() == typeof(OrleansException) && e.Message.Contains(" on invalid silo", StringComparison.Ordinal);

    /// <summary>
    /// This process's silo has been declared dead or is stopping: whatever failed, the request met a silo on its way
    /// out (Orleans refuses to place a grain on it: "Trying to register ... on invalid silo ... Known status: Dead"),
    /// and the answer is the outage's 503, not a 500. The host exits and is restarted; the client retries elsewhere.
    /// </summary>
    private static bool LocalSiloIsLeaving(HttpContext httpContext) =>
        httpContext.RequestServices.GetService<ISiloStatusOracle>() is { CurrentStatus: var status }
        && status is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping;

    /// <summary>
    /// The route template (<c>/api/flights/{flightId}/check-ins/{passengerId}</c>), never the path: a path carries
    /// passenger ids, and so PNRs, which no log line may show.
    /// </summary>
    internal static string RouteOf(HttpContext httpContext) =>
        // The exception handler runs after the endpoint was cleared from the context; its feature still names it.
        (httpContext.GetEndpoint() ?? httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint) is RouteEndpoint { RoutePattern.RawText: { } template }
            ? template
            : "(no route)";

    internal static string TypesOf(Exception exception)
    {
        var types = new List<string>();
        for (var e = exception; e is not null && types.Count < 8; e = e.InnerException)
        {
            types.Add(e.GetType().Name);
        }
        return string.Join(" <- ", types);
    }

    private static JsonException? FindJsonError(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }
        return null;
    }

    private static string DescribeJsonError(JsonException json) =>
        IsSyntaxError(json)
            // The reader refuses both broken syntax and nesting past the limit, with the same exception type.
            ? $"The request body is not valid JSON or is nested deeper than {Hosting.ApiSetup.MaxJsonDepth} levels (near '{FieldOf(json)}', line {json.LineNumber + 1})."
            : $"'{FieldOf(json)}' is not a property of this request, or its value has the wrong type or format.";

    // Text that is not JSON fails in System.Text.Json's reader, whose exception is a subclass of JsonException (the
    // serializer re-throws it wrapped, with the path); valid JSON that does not fit the target type is a plain
    // JsonException, and so is a property the request type does not have (unknown properties are refused): the type
    // tells syntax from content, and the message names both content cases.
    private static bool IsSyntaxError(JsonException json) =>
        json.GetType() != typeof(JsonException) || (json.InnerException is JsonException inner && inner.GetType() != typeof(JsonException));

    private static string FieldOf(JsonException json) =>
        string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Route}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unavailable on {Method} {Route} ({Exceptions})")]
    private static partial void LogUnavailable(ILogger logger, string method, string route, string exceptions);
}
