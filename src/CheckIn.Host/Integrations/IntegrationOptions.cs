using Microsoft.Extensions.Options;

namespace CheckIn.Host.Integrations;

/// <summary>
/// How the host reaches the Weight service (<c>CheckIn:Weight</c>) and the payment provider (<c>CheckIn:Payments</c>).
/// An empty <c>BaseUrl</c> means the in-process simulator this host mounts under <c>/sim/...</c>, which only the
/// embedded mode does by default (<c>CheckIn:Simulators:Enabled</c>).
/// </summary>
public sealed class IntegrationOptions
{
    public const string Section = "CheckIn";

    /// <summary>Used in embedded mode when <c>CheckIn:Payments:WebhookSecret</c> is unset; durable mode requires its own.</summary>
    public const string DevelopmentWebhookSecret = "embedded-mode-payment-webhook-secret-not-for-production-use";

    public WeightClientOptions Weight { get; set; } = new();

    public PaymentClientOptions Payments { get; set; } = new();
}

/// <summary>What every remote call shares: where the service is, and the resilience around each call.</summary>
public abstract class RemoteServiceOptions
{
    /// <summary>Absolute http(s) URL of the service; empty = the in-process one on this host.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>One HTTP attempt may take this long before it is abandoned (and retried).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A whole call, retries included, may take this long before the caller hears Unavailable.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Retries after the first attempt on transient failures (5xx, 408, 429, network errors, attempt timeouts).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Base delay of the exponential, jittered backoff between attempts.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the circuit stays open (calls answer Unavailable without reaching the service).</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts in the sampling window before the circuit may open (it opens at a 50 % failure ratio).</summary>
    public int CircuitMinimumThroughput { get; set; } = 10;

    public bool IsInProcess => string.IsNullOrWhiteSpace(BaseUrl);
}

/// <summary><c>CheckIn:Weight</c>.</summary>
public sealed class WeightClientOptions : RemoteServiceOptions;

/// <summary><c>CheckIn:Payments</c>.</summary>
public sealed class PaymentClientOptions : RemoteServiceOptions
{
    /// <summary>HMAC key the provider signs webhooks with; at least 32 characters.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>How far a webhook's signed timestamp may be from now (replay window).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>ISO 4217 currency of the fees, used when a payment request names none.</summary>
    public string Currency { get; set; } = "EUR";
}

/// <summary>Fails start-up with messages that name the setting to fix.</summary>
internal sealed class IntegrationOptionsValidator(InProcessSimulators simulators) : IValidateOptions<IntegrationOptions>
{
    public const int MinimumSecretLength = 32;

    private static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(10);

    public ValidateOptionsResult Validate(string? name, IntegrationOptions options)
    {
        var failures = new List<string>();
        CheckServicesReachable(options, failures);
        CheckRemote("CheckIn:Weight", options.Weight, failures);
        CheckRemote("CheckIn:Payments", options.Payments, failures);
        var payments = options.Payments;
        if (payments.WebhookSecret is not { Length: >= MinimumSecretLength })
        {
            failures.Add($"CheckIn:Payments:WebhookSecret (CheckIn__Payments__WebhookSecret) must be at least {MinimumSecretLength} characters; durable mode requires it (the development default is public).");
        }
        if (payments.WebhookTolerance <= TimeSpan.Zero || payments.WebhookTolerance > TimeSpan.FromHours(1))
        {
            failures.Add($"CheckIn:Payments:WebhookTolerance must be between 00:00:01 and 01:00:00; got {payments.WebhookTolerance}.");
        }
        if (payments.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
        {
            failures.Add($"CheckIn:Payments:Currency must be three upper-case letters (ISO 4217), e.g. EUR; got '{payments.Currency}'.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>One line naming every setting that would fix it: a service without a BaseUrl needs its simulator.</summary>
    private void CheckServicesReachable(IntegrationOptions options, List<string> failures)
    {
        if (simulators.InvalidSetting is { } invalid)
        {
            failures.Add($"{InProcessSimulators.EnabledKey} (CheckIn__Simulators__Enabled) must be true or false; got '{invalid}'.");
            return;
        }
        if (simulators.Enabled)
        {
            return;
        }
        var missing = new[]
        {
            options.Weight.IsInProcess ? "CheckIn:Weight:BaseUrl (CheckIn__Weight__BaseUrl)" : null,
            options.Payments.IsInProcess ? "CheckIn:Payments:BaseUrl (CheckIn__Payments__BaseUrl)" : null,
        }.OfType<string>().ToList();
        if (missing.Count == 0)
        {
            return;
        }
        var why = simulators.Durable && !simulators.Explicit
            ? "Durable mode (ConnectionStrings:Postgres) does not serve the in-process simulators"
            : "CheckIn:Simulators:Enabled is false";
        failures.Add($"{why}: set {string.Join(" and ", missing)}, or {InProcessSimulators.EnabledKey}=true (CheckIn__Simulators__Enabled) to serve /sim/weight and /sim/payments from this host, unauthenticated (demo only).");
    }

    private static void CheckRemote(string section, RemoteServiceOptions options, List<string> failures)
    {
        if (!options.IsInProcess && !IsHttpUrl(options.BaseUrl))
        {
            failures.Add($"{section}:BaseUrl must be empty (the in-process service) or an absolute http/https URL; got '{options.BaseUrl}'.");
        }
        if (options.AttemptTimeout < MinimumTimeout || options.AttemptTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{section}:AttemptTimeout must be between 00:00:00.010 and 00:05:00; got {options.AttemptTimeout}.");
        }
        if (options.TotalTimeout <= options.AttemptTimeout || options.TotalTimeout > TimeSpan.FromMinutes(30))
        {
            failures.Add($"{section}:TotalTimeout must be longer than {section}:AttemptTimeout and at most 00:30:00; got {options.TotalTimeout}.");
        }
        if (options.MaxRetries is < 1 or > 10)
        {
            failures.Add($"{section}:MaxRetries must be between 1 and 10; got {options.MaxRetries}.");
        }
        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{section}:RetryDelay must be between 00:00:00 and 00:01:00; got {options.RetryDelay}.");
        }
        if (options.BreakDuration < TimeSpan.FromMilliseconds(500) || options.BreakDuration > TimeSpan.FromHours(1))
        {
            failures.Add($"{section}:BreakDuration must be between 00:00:00.500 and 01:00:00; got {options.BreakDuration}.");
        }
        if (options.CircuitMinimumThroughput is < 2 or > 1000)
        {
            failures.Add($"{section}:CircuitMinimumThroughput must be between 2 and 1000; got {options.CircuitMinimumThroughput}.");
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
