using CheckIn.Grains.CheckIns;
using CheckIn.Grains.Telemetry;
using CheckIn.Payments;
using CheckIn.Weight;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

using CheckIn.Host.Hosting;

namespace CheckIn.Host.Integrations;

/// <summary>The Weight service and the payment provider: options, resilient HTTP clients and the in-process simulators.</summary>
public static partial class IntegrationSetup
{
    public const string WebhookPath = "/api/payments/webhook";

    /// <summary>
    /// Binds and validates (at start) <c>CheckIn:Weight</c> and <c>CheckIn:Payments</c>, registers <see cref="IBagScale"/>,
    /// <see cref="IPaymentGateway"/> and <see cref="PaymentWebhookVerifier"/>, and the in-process simulators for every
    /// service whose BaseUrl is empty (their own settings under <c>WeightService</c> and <c>PaymentSimulator</c>).
    /// </summary>
    public static IServiceCollection AddCheckInIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<IntegrationOptions>().Bind(configuration.GetSection(IntegrationOptions.Section)).ValidateOnStart();
        // The development secret is public (it is in this file): only the embedded mode may fall back to it. A durable
        // host without its own secret fails validation at start, like one without an admin key.
        services.AddOptions<IntegrationOptions>().PostConfigure<IServiceProvider>((o, sp) =>
        {
            if (string.IsNullOrEmpty(o.Payments.WebhookSecret) && sp.GetService<RunMode>() is not { IsDurable: true })
            {
                o.Payments.WebhookSecret = IntegrationOptions.DevelopmentWebhookSecret;
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IntegrationOptions>, IntegrationOptionsValidator>());

        services.TryAddSingleton<ServiceBaseAddress>();
        AddResilientClient(services, WeightServiceClient.HttpClientName, o => o.Weight);
        AddResilientClient(services, PaymentProviderClient.HttpClientName, o => o.Payments);
        // Singletons that take a fresh HttpClient per call: grain activations are long-lived, like singletons.
        services.TryAddSingleton<WeightServiceClient>();
        services.TryAddSingleton<IBagScale>(sp => sp.GetRequiredService<WeightServiceClient>());
        services.TryAddSingleton<PaymentProviderClient>();
        services.TryAddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<PaymentProviderClient>());
        services.TryAddSingleton<PaymentWebhookVerifier>();
        // The payment client logs passengers by pseudonym; a host (or a test container) without the silo's services still has one.
        services.AddOptions<PseudonymOptions>();
        services.TryAddSingleton<Pseudonyms>();

        var inProcess = InProcessSimulators.From(configuration);
        services.TryAddSingleton(inProcess);
        if (inProcess.Weight)
        {
            services.AddWeightService(configuration.GetSection(WeightServiceApp.SectionName));
        }
        if (inProcess.Payments)
        {
            services.AddPaymentSimulator(configuration.GetSection(PaymentSimulatorOptions.SectionName));
            services.AddOptions<PaymentSimulatorOptions>().PostConfigure<IOptions<IntegrationOptions>>((simulator, ours) =>
            {
                if (string.IsNullOrEmpty(simulator.WebhookSecret))
                {
                    simulator.WebhookSecret = ours.Value.Payments.WebhookSecret!;
                }
                simulator.WebhookUrlResolver = PaymentSimulatorOptions.ServerAddress(WebhookPath);
            });
        }
        return services;
    }

    /// <summary>
    /// Mounts the in-process simulators (only those in use) under <c>/sim/weight</c> and <c>/sim/payments</c>, outside
    /// swagger.json; a durable host that serves them (<c>CheckIn:Simulators:Enabled=true</c>) says so in a warning.
    /// </summary>
    public static WebApplication MapCheckInIntegrations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var inProcess = app.Services.GetService<InProcessSimulators>()
            ?? throw new InvalidOperationException("Call services.AddCheckInIntegrations(...) before MapCheckInIntegrations().");
        if (inProcess.Durable && (inProcess.Weight || inProcess.Payments))
        {
            LogSimulatorsInDurableMode(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IntegrationSetup)),
                inProcess.Describe());
        }
        if (inProcess.Weight)
        {
            app.MapWeightService(WeightServiceClient.InProcessPath).ExcludeFromDescription().AllowAnonymous();
        }
        if (inProcess.Payments)
        {
            app.MapPaymentSimulator(PaymentProviderClient.InProcessPath).ExcludeFromDescription().AllowAnonymous();
        }
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Durable mode with CheckIn:Simulators:Enabled=true: this host serves {Simulators} without authentication, so anyone who reaches it can pay payment intents, list them or change a bag's weight. Set CheckIn:Weight:BaseUrl and CheckIn:Payments:BaseUrl for anything but a demo.")]
    private static partial void LogSimulatorsInDurableMode(ILogger logger, string simulators);

    private static void AddResilientClient(IServiceCollection services, string name, Func<IntegrationOptions, RemoteServiceOptions> select)
    {
        services.AddHttpClient(name, (sp, client) =>
                // A backstop only: the pipeline's total timeout answers first.
                client.Timeout = select(sp.GetRequiredService<IOptions<IntegrationOptions>>().Value).TotalTimeout + TimeSpan.FromSeconds(5))
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) =>
            {
                // The pipeline's options are validated at start too; a bad setting of ours must fail once, under its own name.
                if (TryGet(sp) is { } settings)
                {
                    Configure(resilience, select(settings));
                }
            });
    }

    private static IntegrationOptions? TryGet(IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<IOptions<IntegrationOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    private static void Configure(HttpStandardResilienceOptions resilience, RemoteServiceOptions settings)
    {
        resilience.AttemptTimeout.Timeout = settings.AttemptTimeout;
        resilience.TotalRequestTimeout.Timeout = settings.TotalTimeout;
        resilience.Retry.MaxRetryAttempts = settings.MaxRetries;
        resilience.Retry.Delay = settings.RetryDelay;
        resilience.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        // A server's Retry-After goes back to the caller (as the answer's RetryAfter) instead of stalling this call.
        resilience.Retry.ShouldRetryAfterHeader = false;
        resilience.CircuitBreaker.FailureRatio = 0.5;
        resilience.CircuitBreaker.MinimumThroughput = settings.CircuitMinimumThroughput;
        resilience.CircuitBreaker.BreakDuration = settings.BreakDuration;
        // The library requires a sampling window of at least two attempt timeouts.
        var twoAttempts = settings.AttemptTimeout * 2;
        resilience.CircuitBreaker.SamplingDuration = twoAttempts > TimeSpan.FromSeconds(30) ? twoAttempts : TimeSpan.FromSeconds(30);
    }
}

/// <summary>
/// Which simulators this host serves itself, decided once from the configuration: those whose BaseUrl is empty, when
/// <c>CheckIn:Simulators:Enabled</c> is true, or unset in embedded mode. They answer unauthenticated (anyone reaching
/// the host can pay an intent or set a bag's weight), so durable mode needs the real services or the explicit
/// setting; <see cref="IntegrationOptionsValidator"/> refuses a host left without either, or with a value that is
/// not a boolean (<see cref="InvalidSetting"/>).
/// </summary>
internal sealed record InProcessSimulators(bool Weight, bool Payments, bool Enabled, bool Explicit, bool Durable, string? InvalidSetting = null)
{
    public const string EnabledKey = "CheckIn:Simulators:Enabled";

    public static InProcessSimulators From(IConfiguration configuration)
    {
        var durable = RunMode.From(configuration).IsDurable;
        var setting = configuration[EnabledKey];
        var isExplicit = bool.TryParse(setting, out var value);
        var invalid = !isExplicit && !string.IsNullOrWhiteSpace(setting) ? setting : null;
        var enabled = isExplicit ? value : !durable && invalid is null;
        return new InProcessSimulators(
            Weight: enabled && string.IsNullOrWhiteSpace(configuration[$"{IntegrationOptions.Section}:Weight:BaseUrl"]),
            Payments: enabled && string.IsNullOrWhiteSpace(configuration[$"{IntegrationOptions.Section}:Payments:BaseUrl"]),
            Enabled: enabled,
            Explicit: isExplicit,
            Durable: durable,
            InvalidSetting: invalid);
    }

    /// <summary>The mounted simulators' paths, for the log.</summary>
    public string Describe() => string.Join(" and ",
        new[] { Weight ? WeightServiceClient.InProcessPath : null, Payments ? PaymentProviderClient.InProcessPath : null }.OfType<string>());
}
