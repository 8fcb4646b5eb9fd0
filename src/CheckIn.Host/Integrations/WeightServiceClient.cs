using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CheckIn.Grains.CheckIns;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Integrations;

/// <summary>
/// <see cref="IBagScale"/> over the Weight service's HTTP API. A singleton (grains hold it for their lifetime) that
/// takes a fresh client from the factory for every call, so handler rotation and the shared circuit keep working.
/// </summary>
public sealed partial class WeightServiceClient(
    IHttpClientFactory clients,
    ServiceBaseAddress address,
    IOptions<IntegrationOptions> options,
    TimeProvider time,
    ILogger<WeightServiceClient> logger) : IBagScale
{
    public const string HttpClientName = "CheckIn.Weight";
    public const string InProcessPath = "/sim/weight";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<BagWeighing> WeighAsync(string bagTag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bagTag);
        var settings = options.Value.Weight;
        if (address.Resolve(settings, InProcessPath) is not { } root)
        {
            LogNoAddress(logger, bagTag);
            return BagWeighing.NotAvailable(RemoteAnswers.DefaultRetryAfter);
        }
        var uri = new Uri(root, $"api/bags/{Uri.EscapeDataString(bagTag)}/weight");
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(uri, cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var reading = await response.Content.ReadFromJsonAsync<WeightReading>(Json, cancellationToken);
                    if (reading?.WeightKg is { } kg)
                    {
                        return BagWeighing.Weighed(kg);
                    }
                    LogUnreadable(logger, bagTag, uri);
                    return BagWeighing.NotAvailable(RemoteAnswers.DefaultRetryAfter);
                case HttpStatusCode.NotFound or HttpStatusCode.BadRequest:
                    // BAG_NOT_FOUND, or INVALID_BAG_TAG (no scale will ever know that tag); any other 404 is a wrong BaseUrl.
                    var code = await RemoteAnswers.ProblemCodeAsync(response, cancellationToken);
                    if (code is "BAG_NOT_FOUND" or "INVALID_BAG_TAG")
                    {
                        return BagWeighing.UnknownTag();
                    }
                    LogRefused(logger, bagTag, (int)response.StatusCode, code, uri);
                    return BagWeighing.NotAvailable(RemoteAnswers.DefaultRetryAfter);
                default:
                    var retryAfter = RemoteAnswers.RetryAfter(response, time);
                    LogFailed(logger, bagTag, $"status {(int)response.StatusCode}", retryAfter);
                    return BagWeighing.NotAvailable(retryAfter);
            }
        }
        catch (Exception ex) when (RemoteAnswers.IsUnavailability(ex, cancellationToken))
        {
            var retryAfter = RemoteAnswers.RetryAfter(ex, settings);
            LogFailed(logger, bagTag, RemoteAnswers.Describe(ex), retryAfter);
            return BagWeighing.NotAvailable(retryAfter);
        }
    }

    private sealed record WeightReading(string? BagTag, decimal? WeightKg);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bag {BagTag} not weighed: the in-process Weight service's address is not known (the host is not listening yet)")]
    private static partial void LogNoAddress(ILogger logger, string bagTag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bag {BagTag} not weighed: the Weight service is unavailable ({Reason}); retry after {RetryAfter}")]
    private static partial void LogFailed(ILogger logger, string bagTag, string reason, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bag {BagTag} not weighed: {Url} answered 200 without a weightKg")]
    private static partial void LogUnreadable(ILogger logger, string bagTag, Uri url);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bag {BagTag} not weighed: {Url} answered {StatusCode} ({Code}); check CheckIn:Weight:BaseUrl")]
    private static partial void LogRefused(ILogger logger, string bagTag, int statusCode, string? code, Uri url);
}
