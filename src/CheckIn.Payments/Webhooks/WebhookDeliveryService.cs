using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace CheckIn.Payments;

/// <summary>
/// Sends queued deliveries one at a time, so release order is arrival order. A failed attempt (non-2xx, network
/// error, 10 s timeout) is re-queued after <see cref="DeliveryBackoff"/> instead of blocking the queue.
/// </summary>
internal sealed partial class WebhookDeliveryService(
    WebhookDispatcher dispatcher,
    IHttpClientFactory httpClients,
    IOptions<PaymentSimulatorOptions> options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    public const string HttpClientName = "CheckIn.Payments.Webhooks";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in dispatcher.Reader.ReadAllAsync(stoppingToken))
            {
                await SendAsync(delivery, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down is normal: the host logs a cancelled background service as failed unless its own stop
            // did the cancelling, so end quietly. Undelivered events die with the in-memory simulator.
            LogStopped(logger);
        }
    }

    private async Task SendAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var record = delivery.Record;
        var url = ResolveUrl(settings);
        var sentAt = time.GetUtcNow();
        int? status = null;
        string? error = null;
        if (url is null)
        {
            error = "No webhook URL is known yet.";
        }
        else
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(record.Body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var unixSeconds = sentAt.ToUnixTimeSeconds();
                request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, unixSeconds.ToString(CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader,
                    WebhookSignature.Sign(settings.WebhookSecret, unixSeconds, record.Body));
                using var response = await httpClients.CreateClient(HttpClientName)
                    .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stoppingToken);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException ex)
            {
                error = ex.Message;
            }
            catch (TaskCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                error = $"No response within {Timeout.TotalSeconds:0} s.";
            }
        }

        var succeeded = status is >= 200 and < 300;
        var willRetry = !succeeded && delivery.Attempt < settings.MaxDeliveryAttempts;
        if (willRetry)
        {
            // Scheduled before the attempt is recorded: whoever sees the attempt can rely on the retry timer existing.
            dispatcher.Schedule(delivery with { Attempt = delivery.Attempt + 1 }, DeliveryBackoff.After(delivery.Attempt));
        }
        record.Add(new DeliveryAttempt(delivery.Attempt, sentAt, status, error, succeeded, willRetry));
        if (succeeded)
        {
            LogDelivered(logger, record.Event.Id, record.Event.Type, delivery.Attempt, status!.Value);
        }
        else
        {
            LogFailed(logger, record.Event.Id, delivery.Attempt, status, error, willRetry);
        }
    }

    private Uri? ResolveUrl(PaymentSimulatorOptions settings) =>
        !string.IsNullOrWhiteSpace(settings.WebhookUrl) ? new Uri(settings.WebhookUrl) : settings.WebhookUrlResolver?.Invoke(services);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook delivery stopped with the host")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {EventId} ({EventType}) delivered on attempt {Attempt} with {StatusCode}")]
    private static partial void LogDelivered(ILogger logger, string eventId, string eventType, int attempt, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} attempt {Attempt} failed (status {StatusCode}, error {Error}); retry: {WillRetry}")]
    private static partial void LogFailed(ILogger logger, string eventId, int attempt, int? statusCode, string? error, bool willRetry);
}
