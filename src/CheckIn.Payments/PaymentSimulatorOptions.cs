using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CheckIn.Payments;

/// <summary>Settings under <c>PaymentSimulator</c>; validated when the app starts.</summary>
public sealed class PaymentSimulatorOptions
{
    public const string SectionName = "PaymentSimulator";

    /// <summary>
    /// Absolute http(s) URL webhooks are POSTed to. When empty, <see cref="WebhookUrlResolver"/> must be set; when both
    /// are set, this configured URL wins (an operator can always override where events go).
    /// </summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>HMAC key shared with the receiver; at least 32 characters.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>
    /// External base URL of the simulator including its route prefix (e.g. <c>https://checkin.example/sim/payments</c>),
    /// used for <c>payUrl</c>; when empty, <c>payUrl</c> is a path relative to the request's host.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>Attempts per delivery (first try included) before it is given up.</summary>
    public int MaxDeliveryAttempts { get; set; } = 8;

    /// <summary>
    /// For embedding: asked before every delivery attempt when <see cref="WebhookUrl"/> is empty, so a host can point
    /// webhooks at its own address once it is listening (see <see cref="ServerAddress"/>). A null answer counts as a
    /// failed attempt and is retried with backoff.
    /// </summary>
    public Func<IServiceProvider, Uri?>? WebhookUrlResolver { get; set; }

    /// <summary>
    /// A resolver for <see cref="WebhookUrlResolver"/>: <paramref name="path"/> on the first address this process's
    /// server listens on (http preferred; wildcard hosts become <c>localhost</c>), or null until it is listening.
    /// </summary>
    public static Func<IServiceProvider, Uri?> ServerAddress(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return services =>
        {
            var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
            var address = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                ?? addresses?.FirstOrDefault();
            return address is null || !TryParseListenAddress(address, out var root) ? null : new Uri(root, path);
        };
    }

    private static bool TryParseListenAddress(string address, out Uri root)
    {
        root = null!;
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        var portStart = address.LastIndexOf(':');
        if (schemeEnd < 0 || portStart <= schemeEnd + 3)
        {
            return false;
        }
        var host = address[(schemeEnd + 3)..portStart];
        if (host is "+" or "*" or "[::]" or "0.0.0.0")
        {
            host = "localhost";
        }
        return Uri.TryCreate($"{address[..schemeEnd]}://{host}{address[portStart..].TrimEnd('/')}/", UriKind.Absolute, out root!);
    }
}

internal sealed class PaymentSimulatorOptionsValidator(string sectionPath) : IValidateOptions<PaymentSimulatorOptions>
{
    public const int MinSecretLength = 32;
    public const int MaxAttemptsLimit = 50;

    public ValidateOptionsResult Validate(string? name, PaymentSimulatorOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.WebhookSecret) || options.WebhookSecret.Length < MinSecretLength)
        {
            failures.Add($"{sectionPath}:WebhookSecret is required and must be at least {MinSecretLength} characters.");
        }
        if (string.IsNullOrWhiteSpace(options.WebhookUrl))
        {
            if (options.WebhookUrlResolver is null)
            {
                failures.Add($"{sectionPath}:WebhookUrl is required (an absolute http/https URL) unless the embedding host sets WebhookUrlResolver.");
            }
        }
        else if (!IsHttpUrl(options.WebhookUrl))
        {
            failures.Add($"{sectionPath}:WebhookUrl must be an absolute http/https URL; got '{options.WebhookUrl}'.");
        }
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl) && !IsHttpUrl(options.PublicBaseUrl))
        {
            failures.Add($"{sectionPath}:PublicBaseUrl must be empty or an absolute http/https URL; got '{options.PublicBaseUrl}'.");
        }
        if (options.MaxDeliveryAttempts is < 1 or > MaxAttemptsLimit)
        {
            failures.Add($"{sectionPath}:MaxDeliveryAttempts must be between 1 and {MaxAttemptsLimit}; got {options.MaxDeliveryAttempts}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
