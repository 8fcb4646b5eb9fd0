using System.Globalization;
using CheckIn.Grains.Telemetry;
using CheckIn.Host.Abuse;
using CheckIn.Host.Api;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansSources = Orleans.Diagnostics.ActivitySources;

namespace CheckIn.Host.Hosting;

/// <summary>
/// The OpenTelemetry pipeline: metrics (ours, Orleans's, ASP.NET Core, HttpClient, the runtime, Npgsql) scraped as
/// Prometheus text at <see cref="MetricsPath"/>, traces from the HTTP request through the grain calls to PostgreSQL
/// and the outbound HTTP calls, both also sent over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// <c>CheckIn:Telemetry:Enabled=false</c> registers none of it.
/// </summary>
internal static class Telemetry
{
    public const string DefaultServiceName = "orleans-checkin";
    public const string MetricsPath = "/metrics";
    public const string Challenge = "Basic realm=\"Orleans.CheckIn metrics\", charset=\"UTF-8\"";

    /// <summary>
    /// Orleans's activity sources we record: grain calls (Application), grain state reads and writes (Storage) and
    /// activations (Lifecycle), all inside a request's trace. Not <c>Microsoft.Orleans.Runtime</c>: its spans are
    /// the silo's own traffic (membership probes, directory and reminder-table calls), root spans at a steady rate
    /// whatever the load, which would crowd the sampled requests out of a trace store and answer no operator question.
    /// </summary>
    public static readonly string[] OrleansActivitySources =
    [
        OrleansSources.ApplicationGrainActivitySourceName,
        OrleansSources.StorageActivitySourceName,
        OrleansSources.LifecycleActivitySourceName,
    ];

    /// <summary>Orleans 10's meter (request latency, storage, reminders, activations, rejected messages).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>
    /// Reads <c>CheckIn:Telemetry</c>, registers its validation (run at start with the other settings) and, unless
    /// disabled, the metrics and tracing providers. Call after the URLs are set: a <c>MetricsPort</c> adds a listening
    /// address of its own.
    /// </summary>
    public static TelemetryOptions AddCheckInTelemetry(this WebApplicationBuilder builder, RunMode mode)
    {
        var settings = TelemetryOptions.Read(builder.Configuration, mode);
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? "";
        var httpPorts = HttpPorts(urls);
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>>(new TelemetryOptionsValidator(httpPorts));
        builder.Services.AddOptions<TelemetryOptions>().Configure(settings.CopyTo).ValidateOnStart();
        if (!settings.Enabled)
        {
            return settings;
        }
        if (settings.MetricsPort is { } port and >= 1 and <= 65535 && !httpPorts.Contains(port) && MetricsUrl(urls, port) is { } metricsUrl)
        {
            builder.WebHost.UseUrls($"{urls};{metricsUrl}");
        }

        var configuration = builder.Configuration;
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName;
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        // An invalid ratio refuses the start (validation runs first); clamping only keeps the sampler constructible.
        var ratio = double.IsNaN(settings.SamplingRatio) ? TelemetryOptions.DefaultSamplingRatio : Math.Clamp(settings.SamplingRatio, 0, 1);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: InstanceId(configuration)))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(CheckInMetrics.MeterName, OrleansMeterName)
                    .AddNpgsqlInstrumentation()
                    // A scrape sees the values of that moment: Prometheus scrapes every few seconds, and tests read
                    // right after acting, so no response cache.
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.SetSampler(new RequestTraceSampler(ratio))
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => IsTraced(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddSource(OrleansActivitySources)
                    .AddNpgsql();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        return settings;
    }

    /// <summary>
    /// Puts <see cref="MetricsPath"/> behind <c>CheckIn:Telemetry:MetricsAccess</c> and on its own port when
    /// <c>MetricsPort</c> is set. Call after routing has chosen the endpoint and before authentication; a no-op when disabled.
    /// </summary>
    public static IApplicationBuilder UseMetricsAccess(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }
        var port = options.MetricsPort;
        var adminKeyOnly = options.MetricsAccess == MetricsAccess.AdminKey;
        return app.Use(async (context, next) =>
        {
            var isMetrics = context.GetEndpoint()?.Metadata.GetMetadata<MetricsEndpointMetadata>() is not null;
            // The local port, not the Host header: a client on the public port could name the metrics port in Host.
            if (port is { } metricsPort && isMetrics != (context.Connection.LocalPort == metricsPort))
            {
                // The metrics port serves nothing else, and the public port does not serve /metrics.
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (isMetrics && adminKeyOnly && !await AdmitAsync(context))
            {
                return;
            }
            await next(context);
        });
    }

    /// <summary>Maps <see cref="MetricsPath"/> (GET and HEAD, outside swagger.json); a no-op when disabled.</summary>
    public static IEndpointRouteBuilder MapCheckInMetrics(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.Enabled)
        {
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath)
                .WithMetadata(MetricsEndpointMetadata.Instance, new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]))
                .ExcludeFromDescription();
        }
        return endpoints;
    }

    /// <summary>Whether a request gets a server span: not the scrapes and health probes that arrive every few seconds.</summary>
    internal static bool IsTraced(PathString path) =>
        !path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase)
        && !path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);

    /// <summary>The admin key as <c>X-Admin-Key</c> or as the password of HTTP Basic (what Prometheus's basic_auth sends).</summary>
    private static async Task<bool> AdmitAsync(HttpContext context)
    {
        var expected = context.RequestServices.GetRequiredService<IOptions<CheckInOptions>>().Value.AdminKey ?? "";
        var header = context.Request.Headers[AdminKey.Header].ToString();
        var authorization = context.Request.Headers.Authorization.ToString();
        if (AdminKey.Matches(header, expected)
            || (DashboardAccess.Password(authorization) is { } password && AdminKey.Matches(password, expected)))
        {
            return true;
        }
        // As for the dashboard: no credential at all is not a guess; a wrong one is a failed sign-in, limited like one.
        var refusal = header.Length == 0 && authorization.Length == 0 ? null
            : await context.RequestServices.GetRequiredService<ClientGuard>().CountFailedSignInAsync(context);
        if (refusal is null)
        {
            context.Response.Headers[HeaderNames.WWWAuthenticate] = Challenge;
        }
        await (refusal ?? Problems.Create(401, ProblemCodes.AdminKeyInvalid,
            $"/metrics needs the admin key in the {AdminKey.Header} header or as the password of HTTP Basic authentication (any user name).")).ExecuteAsync(context);
        return false;
    }

    /// <summary>The silo's advertised address (host:silo port): stable across restarts, one per process of a cluster.</summary>
    private static string InstanceId(IConfiguration configuration)
    {
        var orleans = configuration.GetSection(OrleansHostOptions.Section).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        var host = string.IsNullOrWhiteSpace(orleans.AdvertisedHost) ? "127.0.0.1" : orleans.AdvertisedHost;
        return $"{host}:{orleans.SiloPort.ToString(CultureInfo.InvariantCulture)}";
    }

    private static List<int> HttpPorts(string urls) =>
        [.. Split(urls).Select(Parse).OfType<Uri>().Select(uri => uri.Port)];

    /// <summary>The metrics address: plain HTTP on the first URL's host (so a loopback-only host stays loopback-only).</summary>
    private static string? MetricsUrl(string urls, int port) =>
        Split(urls).Select(url => (Url: url, Uri: Parse(url))).FirstOrDefault(u => u.Uri is not null) is { Uri: not null } first
            ? $"http://{HostOf(first.Url)}:{port.ToString(CultureInfo.InvariantCulture)}"
            : null;

    private static string[] Split(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Uri? Parse(string url) =>
        Uri.TryCreate(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri : null;

    // Kestrel's own spellings (+, *, [::1]) kept as written.
    private static string HostOf(string url)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var end = rest.StartsWith('[') ? rest.IndexOf(']', StringComparison.Ordinal) + 1 : rest.IndexOfAny([':', '/']);
        return end <= 0 ? rest : rest[..end];
    }

    /// <summary>Marks the scraping endpoint for <see cref="UseMetricsAccess"/>.</summary>
    private sealed class MetricsEndpointMetadata
    {
        public static readonly MetricsEndpointMetadata Instance = new();
    }
}
