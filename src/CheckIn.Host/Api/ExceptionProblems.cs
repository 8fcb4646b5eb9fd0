using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace CheckIn.Host.Api;

/// <summary>
/// Turns exceptions into problems: bad input (the framework's <see cref="BadHttpRequestException"/>) into 4xx that
/// names the field, cluster outages into 503 with Retry-After, anything else into a logged 500.
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
            BadHttpRequestException bad =>
                Problems.Create(bad.StatusCode, ProblemCodes.MalformedRequest, bad.Message),
            TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or Npgsql.NpgsqlException =>
                Unavailable(httpContext, exception),
            _ => null,
        };
        if (result is null)
        {
            LogUnexpected(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            result = Problems.Create(500, ProblemCodes.InternalError, "Something went wrong on our side; nothing was changed by this request unless a later read shows otherwise.");
        }
        await result.ExecuteAsync(httpContext);
        return true;
    }

    private Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unavailable(HttpContext httpContext, Exception exception)
    {
        LogUnavailable(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.Headers.RetryAfter = "2";
        return Problems.Create(503, ProblemCodes.ServiceUnavailable, "The check-in cluster is briefly unavailable; retry shortly with the same Idempotency-Key.");
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
        json.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? $"'{FieldOf(json)}' has a value of the wrong type or format."
            : $"The request body is not valid JSON (near '{FieldOf(json)}', line {json.LineNumber + 1}).";

    private static string FieldOf(JsonException json) =>
        string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unavailable on {Method} {Path}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string path);
}
