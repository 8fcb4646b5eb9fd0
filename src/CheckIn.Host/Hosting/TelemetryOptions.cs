using System.Globalization;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Hosting;

/// <summary>Who may read <c>/metrics</c>.</summary>
public enum MetricsAccess
{
    /// <summary>Anyone who reaches the port (the embedded mode's default).</summary>
    Open,

    /// <summary>Only with the admin key, as <c>X-Admin-Key</c> or as the password of HTTP Basic (the durable mode's default).</summary>
    AdminKey,
}

/// <summary>
/// Metrics and traces, from <c>CheckIn:Telemetry</c> (environment: <c>CheckIn__Telemetry__*</c>). The host reads
/// these before it is built (the metrics port is an extra listening address), so they are parsed here by hand:
/// a malformed value becomes a validation failure naming the setting, not a binder exception.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "CheckIn:Telemetry";
    public const double DefaultSamplingRatio = 0.1;

    /// <summary>Off: no OpenTelemetry metrics or tracing at all, and no <c>/metrics</c> (404).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The share of traces started here that are recorded (parent-based: a sampled caller's choice wins).</summary>
    public double SamplingRatio { get; set; } = DefaultSamplingRatio;

    /// <summary>Who may read <c>/metrics</c>; unset: <see cref="MetricsAccess.Open"/> embedded, <see cref="MetricsAccess.AdminKey"/> durable.</summary>
    public MetricsAccess MetricsAccess { get; set; }

    /// <summary>When set, the host also listens on this port and <c>/metrics</c> answers only there.</summary>
    public int? MetricsPort { get; set; }

    /// <summary>Settings that could not be read, each naming the setting; the validator refuses the start with them.</summary>
    internal IReadOnlyList<string> ParseFailures { get; private set; } = [];

    /// <summary>Reads the section with the mode's defaults; never throws.</summary>
    public static TelemetryOptions Read(IConfiguration configuration, RunMode mode)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(mode);
        var section = configuration.GetSection(Section);
        var failures = new List<string>();
        var options = new TelemetryOptions { MetricsAccess = mode.IsDurable ? MetricsAccess.AdminKey : MetricsAccess.Open };

        if (section[nameof(Enabled)] is { Length: > 0 } enabled)
        {
            if (bool.TryParse(enabled, out var value))
            {
                options.Enabled = value;
            }
            else
            {
                failures.Add($"{Setting(nameof(Enabled))} must be true or false.");
            }
        }
        if (section[nameof(SamplingRatio)] is { Length: > 0 } ratio)
        {
            if (double.TryParse(ratio, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                options.SamplingRatio = value;
            }
            else
            {
                failures.Add($"{Setting(nameof(SamplingRatio))} must be a number between 0 and 1.");
            }
        }
        if (section[nameof(MetricsAccess)] is { Length: > 0 } access)
        {
            if (Enum.TryParse<MetricsAccess>(access, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(access, out _))
            {
                options.MetricsAccess = value;
            }
            else
            {
                failures.Add($"{Setting(nameof(MetricsAccess))} must be Open or AdminKey.");
            }
        }
        if (section[nameof(MetricsPort)] is { Length: > 0 } port)
        {
            if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                options.MetricsPort = value;
            }
            else
            {
                failures.Add($"{Setting(nameof(MetricsPort))} must be a port number between 1 and 65535.");
            }
        }
        options.ParseFailures = failures;
        return options;
    }

    /// <summary>A copy for the options system (the parse failures travel with it to the validator).</summary>
    internal void CopyTo(TelemetryOptions target)
    {
        target.Enabled = Enabled;
        target.SamplingRatio = SamplingRatio;
        target.MetricsAccess = MetricsAccess;
        target.MetricsPort = MetricsPort;
        target.ParseFailures = ParseFailures;
    }

    internal static string Setting(string name) => $"CheckIn:Telemetry:{name} (CheckIn__Telemetry__{name})";
}

/// <summary>Refuses the start on a malformed telemetry setting, naming it.</summary>
internal sealed class TelemetryOptionsValidator(IReadOnlyCollection<int> httpPorts) : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>(options.ParseFailures);
        if (double.IsNaN(options.SamplingRatio) || options.SamplingRatio is < 0 or > 1)
        {
            failures.Add($"{TelemetryOptions.Setting(nameof(TelemetryOptions.SamplingRatio))} must be between 0 and 1.");
        }
        if (options.MetricsPort is { } port)
        {
            if (port is < 1 or > 65535)
            {
                failures.Add($"{TelemetryOptions.Setting(nameof(TelemetryOptions.MetricsPort))} must be a port number between 1 and 65535.");
            }
            else if (httpPorts.Contains(port))
            {
                failures.Add($"{TelemetryOptions.Setting(nameof(TelemetryOptions.MetricsPort))} must differ from the HTTP port {port.ToString(CultureInfo.InvariantCulture)} (urls).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
