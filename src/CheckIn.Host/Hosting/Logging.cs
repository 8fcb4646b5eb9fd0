using System.Security.Cryptography;
using System.Text;
using CheckIn.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Hosting;

/// <summary>How log lines are written (<c>CheckIn:Logging</c>, environment <c>CheckIn__Logging__*</c>).</summary>
public sealed class LoggingOptions
{
    public const string Section = "CheckIn:Logging";
    public const string FormatSetting = Section + ":Format";
    public const string Json = "json";
    public const string Text = "text";

    /// <summary>
    /// <c>json</c>: one JSON object per line (the framework's JSON console formatter, scopes included) for a log
    /// collector; <c>text</c>: one human-readable line. Unset: <c>json</c> in durable mode, <c>text</c> in embedded mode.
    /// </summary>
    public string? Format { get; set; }
}

/// <summary>
/// Console logging: JSON lines in durable mode, single human lines in embedded mode; every line written inside a
/// request carries its trace id (the one problem responses and audit records carry) and the scopes set around
/// state changes. Also gives the log pseudonyms their cluster-wide key.
/// </summary>
internal static class LoggingSetup
{
    public const string PseudonymKeySetting = "CheckIn:Telemetry:PseudonymKey";
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public static WebApplicationBuilder AddCheckInLogging(this WebApplicationBuilder builder, RunMode mode)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<LoggingOptions>().BindConfiguration(LoggingOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LoggingOptions>, LoggingOptionsValidator>();

        // An invalid value falls back to the mode's default here and stops the host at start (LoggingOptionsValidator).
        var json = configuration[LoggingOptions.FormatSetting]?.Trim().ToLowerInvariant() switch
        {
            LoggingOptions.Json => true,
            LoggingOptions.Text => false,
            _ => mode.IsDurable,
        };
        if (json)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = TimestampFormat;
                // One object per line: a collector splits on newlines.
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        builder.Services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        builder.Services.AddOptions<PseudonymOptions>().Configure<IOptions<CheckInOptions>>((pseudonyms, checkIn) =>
            pseudonyms.Key = PseudonymKey(configuration[PseudonymKeySetting], checkIn.Value.TokenSigningKey));
        return builder;
    }

    /// <summary>
    /// The configured key, else one derived from the token signing key, which every silo of a cluster already
    /// shares: the same passenger then has the same pseudonym on every silo, and the key is not the signing key.
    /// </summary>
    internal static string? PseudonymKey(string? configured, string? signingKey)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        if (string.IsNullOrEmpty(signingKey))
        {
            return null;
        }
        var derived = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.UTF8.GetBytes("log-pseudonym"));
        return Convert.ToHexStringLower(derived);
    }
}

/// <summary>Stops the host at start, naming the setting, when the log format is neither json nor text.</summary>
internal sealed class LoggingOptionsValidator : IValidateOptions<LoggingOptions>
{
    public ValidateOptionsResult Validate(string? name, LoggingOptions options) =>
        options.Format is null || options.Format.Trim().ToLowerInvariant() is LoggingOptions.Json or LoggingOptions.Text
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{LoggingOptions.FormatSetting} (CheckIn__Logging__Format) must be json or text; got '{options.Format}'.");
}
