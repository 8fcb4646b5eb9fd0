using System.Text.Json;
using CheckIn.Grains.Telemetry;
using CheckIn.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>
/// A host of its own for the front end's metrics (so no other test's requests or streams reach its meters), on a fake
/// clock that only the tests move: a seat map read twice in a row is a cache hit whatever the machine's load. The
/// Weight service and the payment simulator run as their own web apps on real sockets (the test server has none for
/// the in-process ones); the Weight service weighs <see cref="HeavyBag"/> over the allowance, so a check-in can owe a payment.
/// </summary>
public sealed class HostMetricsFixture : IAsyncLifetime, IDisposable
{
    public const string HeavyBag = "HEAVY01";

    public const string WebhookSecret = IntegrationContainer.Secret;

    private IntegrationRemoteService? _weight;
    private IntegrationRemoteService? _payments;

    private readonly CheckInApiFactory _root = new();

    // Half an hour behind real time, like the other fake-clock hosts: the JWT handler checks lifetimes on the wall clock.
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow.AddMinutes(-30));

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public CheckInApi Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _weight = await IntegrationRemoteService.StartWeightAsync(new Dictionary<string, string?> { [$"WeightService:Bags:{HeavyBag}"] = "28.5" });
        _payments = await IntegrationRemoteService.StartPaymentsAsync();
        var settings = IntegrationContainer.Settings(_weight.BaseUrl, _payments.BaseUrl);
        Factory = _root.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            // The webhook's lines (Information) are captured with their scopes.
            builder.UseSetting("Logging:LogLevel:CheckIn.Host", "Information");
            builder.ConfigureServices(services =>
            {
                services.UseFakeClock(Clock);
                services.AddFakeLogging();
            });
        });
        Api = new CheckInApi(Factory.CreateContractCheckedClient());
    }

    /// <summary>Every log line the host wrote, with its scopes.</summary>
    public FakeLogCollector Logs => Factory.Services.GetFakeLogCollector();

    /// <summary>Moves the host's clock; timers fire on the calling thread, so never on a request's thread.</summary>
    public Task AdvanceAsync(TimeSpan by) => Task.Run(() => Clock.Advance(by));

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }
        await _root.DisposeAsync();
        if (_weight is not null)
        {
            await _weight.DisposeAsync();
        }
        if (_payments is not null)
        {
            await _payments.DisposeAsync();
        }
    }

    public void Dispose() => _root.Dispose();
}

/// <summary>Reading <see cref="CheckInMetrics"/> instruments of one host through its own meter factory.</summary>
public static class HostMetrics
{
    /// <summary>Collects <paramref name="instrument"/> of the host's <c>Orleans.CheckIn</c> meter from now on.</summary>
    public static MetricCollector<long> Collect(IServiceProvider services, string instrument) =>
        new(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), CheckInMetrics.MeterName, instrument);

    /// <summary>The sum of the measurements whose tags include every one of <paramref name="tags"/>.</summary>
    public static long Sum(MetricCollector<long> collector, params (string Name, object Value)[] tags) =>
        collector.GetMeasurementSnapshot()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Name, out var value) && Equals(value, t.Value)))
            .Sum(m => m.Value);

    /// <summary>A signed payment webhook delivery, as the provider sends it.</summary>
    public static HttpRequestMessage Webhook(PaymentWebhookEvent e, string secret, DateTimeOffset now, string? signature = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(e, PaymentJson.Options);
        var timestamp = now.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, signature ?? WebhookSignature.Sign(secret, timestamp, body));
        return request;
    }
}

[CollectionDefinition(Name)]
public sealed class HostMetricsCollection : ICollectionFixture<HostMetricsFixture>
{
    public const string Name = "HostMetrics";
}
