using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Integrations;

/// <summary>
/// Readiness of a service the host calls (the Weight service, the payment provider): a GET of its cheap
/// <c>/health</c>. A service that does not answer makes the host Degraded, never Unhealthy: passengers can still
/// sign in and pick seats; only bags and payments wait. The probe goes without the callers' retries and circuit
/// (its own client, <see cref="HttpClientName"/>), so a probe neither lingers nor opens the circuit for passengers.
/// </summary>
internal abstract class RemoteServiceCheck(IHttpClientFactory clients, ServiceBaseAddress address) : IHealthCheck
{
    public const string HttpClientName = "CheckIn.HealthProbe";

    /// <summary>A readiness probe must answer well within a load balancer's own timeout.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    protected abstract string ServiceName { get; }

    protected abstract string SettingName { get; }

    protected abstract string InProcessPath { get; }

    protected abstract RemoteServiceOptions Settings { get; }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = Settings;
        var where = settings.IsInProcess ? $"the in-process {ServiceName} at {InProcessPath}" : $"the {ServiceName} ({SettingName})";
        if (address.Resolve(settings, InProcessPath) is not { } root)
        {
            return HealthCheckResult.Degraded($"{where} cannot be reached: this host's own address is not known (it does not listen on a socket yet)");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var elapsed = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(new Uri(root, "health"), timeout.Token);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy($"{where} answers")
                : HealthCheckResult.Degraded($"{where} answered {(int)response.StatusCode}; bags or payments wait until it recovers");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"{where} did not answer within {ProbeTimeout.TotalSeconds:0} s; bags or payments wait until it recovers");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Degraded($"{where} is unreachable ({RemoteAnswers.Describe(ex)}) after {elapsed.ElapsedMilliseconds} ms; bags or payments wait until it recovers");
        }
    }
}

/// <summary>Readiness of the Weight service: Degraded (bags cannot be weighed) when it does not answer.</summary>
internal sealed class WeightServiceCheck(IHttpClientFactory clients, ServiceBaseAddress address, IOptions<IntegrationOptions> options)
    : RemoteServiceCheck(clients, address)
{
    protected override string ServiceName => "Weight service";

    protected override string SettingName => "CheckIn:Weight:BaseUrl";

    protected override string InProcessPath => WeightServiceClient.InProcessPath;

    protected override RemoteServiceOptions Settings => options.Value.Weight;
}

/// <summary>Readiness of the payment provider: Degraded (bag fees cannot be paid) when it does not answer.</summary>
internal sealed class PaymentProviderCheck(IHttpClientFactory clients, ServiceBaseAddress address, IOptions<IntegrationOptions> options)
    : RemoteServiceCheck(clients, address)
{
    protected override string ServiceName => "payment provider";

    protected override string SettingName => "CheckIn:Payments:BaseUrl";

    protected override string InProcessPath => PaymentProviderClient.InProcessPath;

    protected override RemoteServiceOptions Settings => options.Value.Payments;
}
