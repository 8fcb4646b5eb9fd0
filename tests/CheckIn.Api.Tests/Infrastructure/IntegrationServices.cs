using System.Net.Http.Json;
using CheckIn.Host.Integrations;
using CheckIn.Payments;
using CheckIn.Weight;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>A real service on Kestrel (a real socket, port 0) that counts the weighings that reached it.</summary>
public sealed class IntegrationRemoteService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RequestCounter _counter;
    private bool _stopped;

    private IntegrationRemoteService(WebApplication app, RequestCounter counter)
    {
        _app = app;
        _counter = counter;
        BaseUrl = new Uri(app.Urls.Single() + "/");
        Client = new HttpClient { BaseAddress = BaseUrl };
    }

    public Uri BaseUrl { get; }

    /// <summary>Talks to the service directly (fault injection, paying an intent).</summary>
    public HttpClient Client { get; }

    /// <summary>How many <c>GET .../weight</c> requests the service received.</summary>
    public int Weighings => _counter.Count;

    public static Task<IntegrationRemoteService> StartWeightAsync(IReadOnlyDictionary<string, string?> settings) =>
        StartAsync(configure => WeightServiceApp.Build(["--urls", "http://127.0.0.1:0"], configure), settings);

    public static Task<IntegrationRemoteService> StartPaymentsAsync() =>
        StartAsync(configure => PaymentSimulatorApp.Build(["--urls", "http://127.0.0.1:0"], configure), new Dictionary<string, string?>
        {
            // Nobody listens for these webhooks; one attempt each keeps the log quiet.
            ["PaymentSimulator:WebhookUrl"] = "http://127.0.0.1:9/webhook",
            ["PaymentSimulator:MaxDeliveryAttempts"] = "1",
        });

    public Task SetFaultsAsync(int latencyMs, double failureRate) =>
        PutAsync("api/faults", new { latencyMs, failureRate, failureStatusCode = 503 });

    public async Task PutAsync(string path, object body)
    {
        using var response = await Client.PutAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
    }

    public async Task PostAsync(string path)
    {
        using var response = await Client.PostAsync(path, content: null);
        response.EnsureSuccessStatusCode();
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<IntegrationRemoteService> StartAsync(
        Func<Action<WebApplicationBuilder>, WebApplication> build, IReadOnlyDictionary<string, string?> settings)
    {
        var counter = new RequestCounter();
        var app = build(builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddSingleton<IStartupFilter>(counter);
        });
        await app.StartAsync();
        return new IntegrationRemoteService(app, counter);
    }

    /// <summary>Counts requests before the app sees them: the signal that a call did (not) reach the service.</summary>
    private sealed class RequestCounter : IStartupFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value?.EndsWith("/weight", StringComparison.Ordinal) == true)
                {
                    Interlocked.Increment(ref _count);
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>The host's integration services alone, in a plain container, configured like the host would be.</summary>
public static class IntegrationContainer
{
    public const string Secret = "integration-tests-webhook-secret-0123456789";

    /// <summary>Small timeouts and delays so failures answer within a test; a circuit that never opens unless asked.</summary>
    public static Dictionary<string, string?> Settings(Uri? weight, Uri? payments, TimeSpan? attemptTimeout = null, int circuitMinimumThroughput = 1000)
    {
        var settings = new Dictionary<string, string?> { ["CheckIn:Payments:WebhookSecret"] = Secret };
        foreach (var (section, url) in new[] { ("CheckIn:Weight", weight), ("CheckIn:Payments", payments) })
        {
            var attempt = attemptTimeout ?? TimeSpan.FromSeconds(2);
            settings[$"{section}:BaseUrl"] = url?.ToString() ?? "";
            settings[$"{section}:AttemptTimeout"] = attempt.ToString();
            settings[$"{section}:TotalTimeout"] = (attempt * 3).ToString();
            settings[$"{section}:MaxRetries"] = "1";
            settings[$"{section}:RetryDelay"] = "00:00:00.010";
            settings[$"{section}:BreakDuration"] = "00:05:00";
            settings[$"{section}:CircuitMinimumThroughput"] = circuitMinimumThroughput.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return settings;
    }

    public static ServiceProvider Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        configure?.Invoke(services);
        services.AddCheckInIntegrations(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
