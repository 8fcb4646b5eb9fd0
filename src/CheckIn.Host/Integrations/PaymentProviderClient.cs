using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CheckIn.Grains.CheckIns;
using CheckIn.Grains.Telemetry;
using CheckIn.Payments;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Integrations;

/// <summary>
/// <see cref="IPaymentGateway"/> over the payment provider's HTTP API (the simulator's wire format). Retrying a create
/// is safe because every create carries the caller's Idempotency-Key; cancelling twice answers the same at the provider.
/// </summary>
public sealed partial class PaymentProviderClient(
    IHttpClientFactory clients,
    ServiceBaseAddress address,
    IOptions<IntegrationOptions> options,
    TimeProvider time,
    Pseudonyms pseudonyms,
    ILogger<PaymentProviderClient> logger) : IPaymentGateway
{
    public const string HttpClientName = "CheckIn.Payments";
    public const string InProcessPath = "/sim/payments";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    public async Task<PaymentIntentCreated> CreateIntentAsync(PaymentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.IdempotencyKey);
        var settings = options.Value.Payments;
        if (address.Resolve(settings, InProcessPath) is not { } root)
        {
            LogNoAddress(logger, LogSubject(request.Reference));
            return Unavailable(RemoteAnswers.DefaultRetryAfter);
        }
        var body = new CreateIntentBody(request.Amount, string.IsNullOrWhiteSpace(request.Currency) ? settings.Currency : request.Currency,
            request.Reference, request.Description);
        // Bytes, not a streamed JsonContent: the resilience handler may send the same content again.
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, PaymentJson.Options));
        content.Headers.ContentType = JsonType;
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(root, "api/intents")) { Content = content };
        message.Headers.Add(IdempotencyKeyHeader, request.IdempotencyKey);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(message, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                var intent = await response.Content.ReadFromJsonAsync<IntentBody>(PaymentJson.Options, cancellationToken);
                if (intent is { Id: { Length: > 0 } id, PayUrl: { Length: > 0 } payUrl })
                {
                    return new PaymentIntentCreated(id, PayUrlFor(payUrl, root, settings), Unavailable: false);
                }
                LogUnreadable(logger, LogSubject(request.Reference), (int)response.StatusCode);
                return Unavailable(RemoteAnswers.DefaultRetryAfter);
            }
            if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
            {
                // The provider refused what we sent: a bug on our side, not an outage, so it is logged as an error.
                var code = await RemoteAnswers.ProblemCodeAsync(response, cancellationToken);
                LogRefused(logger, LogSubject(request.Reference), (int)response.StatusCode, code);
                return Unavailable(null);
            }
            var retryAfter = RemoteAnswers.RetryAfter(response, time);
            LogCreateFailed(logger, LogSubject(request.Reference), $"status {(int)response.StatusCode}", retryAfter);
            return Unavailable(retryAfter);
        }
        catch (Exception ex) when (RemoteAnswers.IsUnavailability(ex, cancellationToken))
        {
            var retryAfter = RemoteAnswers.RetryAfter(ex, settings);
            LogCreateFailed(logger, LogSubject(request.Reference), RemoteAnswers.Describe(ex), retryAfter);
            return Unavailable(retryAfter);
        }
    }

    public async Task<IntentCancellation> CancelIntentAsync(string intentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(intentId);
        var settings = options.Value.Payments;
        if (address.Resolve(settings, InProcessPath) is not { } root)
        {
            LogNoAddress(logger, intentId);
            return IntentCancellation.Unavailable;
        }
        var uri = new Uri(root, $"api/intents/{Uri.EscapeDataString(intentId)}/cancel");
        try
        {
            using var response = await clients.CreateClient(HttpClientName).PostAsync(uri, content: null, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return IntentCancellation.Canceled;
            }
            var code = await RemoteAnswers.ProblemCodeAsync(response, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                // Paid, failed or unknown: the provider's webhook (or its absence) tells the rest.
                LogCancelRefused(logger, intentId, (int)response.StatusCode, code);
                return IntentCancellation.AlreadyFinal;
            }
            LogCancelFailed(logger, intentId, $"status {(int)response.StatusCode} ({code})");
            return IntentCancellation.Unavailable;
        }
        catch (Exception ex) when (RemoteAnswers.IsUnavailability(ex, cancellationToken))
        {
            LogCancelFailed(logger, intentId, RemoteAnswers.Describe(ex));
            return IntentCancellation.Unavailable;
        }
    }

    /// <summary>
    /// A payment's reference is <c>flight/passengerId</c> and a passenger id carries the PNR: logs get the flight and
    /// the passenger's pseudonym instead.
    /// </summary>
    private string LogSubject(string reference)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? pseudonyms.Passenger(reference)! : $"{reference[..slash]}/{pseudonyms.Passenger(reference[(slash + 1)..])}";
    }

    private static PaymentIntentCreated Unavailable(TimeSpan? retryAfter) => new(null, null, Unavailable: true, retryAfter);

    /// <summary>
    /// The simulator answers a path when it has no public base URL. In process that path is right for a browser on this
    /// host; for a remote provider it only makes sense on the provider's host.
    /// </summary>
    private static string PayUrlFor(string payUrl, Uri root, PaymentClientOptions settings) =>
        settings.IsInProcess || Uri.IsWellFormedUriString(payUrl, UriKind.Absolute) ? payUrl : new Uri(root, payUrl).ToString();

    private sealed record CreateIntentBody(decimal Amount, string Currency, string Reference, string Description);

    private sealed record IntentBody(string? Id, string? PayUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment call for {Subject} not made: the in-process payment simulator's address is not known (the host is not listening yet)")]
    private static partial void LogNoAddress(ILogger logger, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment intent for {Reference} not created: the provider is unavailable ({Reason}); retry after {RetryAfter}")]
    private static partial void LogCreateFailed(ILogger logger, string reference, string reason, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment intent for {Reference} refused by the provider with {StatusCode} ({Code}): the request we sent is wrong")]
    private static partial void LogRefused(ILogger logger, string reference, int statusCode, string? code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment intent for {Reference}: the provider answered {StatusCode} without an id and payUrl")]
    private static partial void LogUnreadable(ILogger logger, string reference, int statusCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment intent {IntentId} not cancelled: it is already final or unknown at the provider ({StatusCode} {Code})")]
    private static partial void LogCancelRefused(ILogger logger, string intentId, int statusCode, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment intent {IntentId} not cancelled: the provider is unavailable ({Reason})")]
    private static partial void LogCancelFailed(ILogger logger, string intentId, string reason);
}
