using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;

namespace CheckIn.Host.Integrations;

/// <summary>What both clients share when a remote service fails: which failures mean "unavailable", and for how long.</summary>
internal static class RemoteAnswers
{
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Network errors, the resilience pipeline giving up (timeouts, open circuit, rate limit), an HttpClient timeout and
    /// an unreadable body. The caller's own cancellation is not among them: it propagates.
    /// </summary>
    public static bool IsUnavailability(Exception exception, CancellationToken callerToken) => exception switch
    {
        HttpRequestException or ExecutionRejectedException or JsonException => true,
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>The service's Retry-After when it sent one, else <see cref="DefaultRetryAfter"/>.</summary>
    public static TimeSpan RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        var after = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        return after is { } value && value > TimeSpan.Zero ? value : DefaultRetryAfter;
    }

    /// <summary>An open circuit says when it will let a call through again; other failures get the default.</summary>
    public static TimeSpan RetryAfter(Exception exception, RemoteServiceOptions options) => exception switch
    {
        BrokenCircuitException { RetryAfter: { } after } when after > TimeSpan.Zero => after,
        BrokenCircuitException => options.BreakDuration,
        _ => DefaultRetryAfter,
    };

    /// <summary>Why the call failed, for the log: the exception's type, the circuit's state or the status.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        BrokenCircuitException => "circuit open",
        Polly.Timeout.TimeoutRejectedException => "timed out",
        HttpRequestException { HttpRequestError: var error } => $"network error ({error})",
        _ => exception.GetType().Name,
    };

    /// <summary>The <c>code</c> of a problem body, or null when the body is not a problem.</summary>
    public static async Task<string?> ProblemCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
