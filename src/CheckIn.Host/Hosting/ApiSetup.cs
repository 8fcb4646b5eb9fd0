using Orleans.Dashboard;
using System.Text.Json;
using System.Text.Json.Serialization;
using CheckIn.Host.Abuse;
using CheckIn.Host.Api;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace CheckIn.Host.Hosting;

/// <summary>The HTTP side: JSON, problems, auth, Swagger, health, dashboard and the route groups.</summary>
internal static partial class ApiSetup
{
    public static IServiceCollection AddCheckInApi(this IServiceCollection services, RunMode mode)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CheckInOptionsValidator>(_ => new CheckInOptionsValidator(mode));
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<CheckInOptions>>(sp => sp.GetRequiredService<CheckInOptionsValidator>());
        services.AddSingleton<Microsoft.Extensions.Options.IPostConfigureOptions<CheckInOptions>>(new CheckInOptionsDefaults(mode));
        services.AddOptions<CheckInOptions>().BindConfiguration(CheckInOptions.Section).ValidateOnStart();

        services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        services.AddOptions<SecurityHeadersOptions>();
        services.AddCheckInWebUi();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<ExceptionProblems>();
        SessionTokens.AddSessionAuthentication(services);
        services.AddSingleton<FlightCatalog>();
        services.AddSingleton<SeatMapCache>();
        services.AddSingleton<SeatMapHubs>();
        services.AddSingleton<SeatMapStreamCounters>();
        services.AddSingleton<IdempotencyFilter>();
        services.AddSingleton<OutageRetryFilter>();
        services.AddCheckInHealthChecks(mode);
        services.AddAbuseProtection();
        services.AddHostedService<DemoSeeder>();
        services.AddHostedService<StartupBanner>();
        services.AddHostedService<HostCacheSweeper>();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new() { Title = "Orleans.CheckIn API", Version = "v1" });
            o.SupportNonNullableReferenceTypes();
        });
        return services;
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // Request bodies may carry only the documented properties (API-SPECIFICATION.yml: additionalProperties:
        // false): an unknown one is 400 MALFORMED_REQUEST naming it, so a misspelt optional field is never ignored.
        // Only reading is affected; responses are written as before.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // No request is nested more than a few levels; a deeper body is 400 MALFORMED_REQUEST before it costs more.
        options.MaxDepth = MaxJsonDepth;
    }

    public const int MaxJsonDepth = 32;

    public static WebApplication UseCheckInApi(this WebApplication app)
    {
        // First, so every response gets the headers: problems, 404s, health, docs and the dashboard.
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            // Unknown routes and methods get a problem too, never an empty body.
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            var problem = status switch
            {
                404 => Problems.Create(404, ProblemCodes.NotFound, $"No endpoint answers {http.Request.Method} {http.Request.Path}."),
                405 => Problems.Create(405, ProblemCodes.MethodNotAllowed, $"{http.Request.Path} does not answer {http.Request.Method}; see the Allow header."),
                413 => Problems.PayloadTooLarge(),
                415 => Problems.Create(415, ProblemCodes.UnsupportedMediaType, "Send the body as application/json."),
                _ => Problems.Create(status, ProblemCodes.MalformedRequest, $"The request to {http.Request.Path} was refused with status {status}."),
            };
            await problem.ExecuteAsync(http);
        });
        // The passenger UI's files: before abuse protection, authentication and the id checks, which are for /api.
        app.UseCheckInWebUi();
        // Before authentication and the admin key check: a blocked client is refused before anything reads its request.
        app.UseAbuseProtection();
        app.UseDashboardAccess(app.Services.GetRequiredService<RunMode>());
        app.UseMetricsAccess();
        app.UseAuthentication();
        app.UseAuthorization();
        // Before any endpoint (or routing's own 415/405 answer) reads or judges the body.
        app.UseAdminKeyCheck();
        app.UseRequestBodyLimit();
        app.UseIdFormatCheck();

        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "Orleans.CheckIn v1");
        });
        app.MapOrleansDashboard(routePrefix: "/dashboard").ExcludeFromDescription();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
        app.MapCheckInMetrics();
        app.MapHealthChecks("/health/ready", ReadinessSetup.ReadyOptions()).ExcludeFromDescription();

        // Every API route under one group whose outermost filter retries a request once after a transient failure,
        // where that is safe (OutageRetryFilter decides which); the empty prefix leaves every route as it was.
        var api = app.MapGroup("").AddEndpointFilter<OutageRetryFilter>();
        api.MapSessionsApi();
        api.MapSeatMapApi();
        api.MapSeatMapStreamApi();
        api.MapSeatsApi();
        api.MapCheckInsApi();
        api.MapWaitlistApi();
        api.MapNotificationsApi();
        api.MapPaymentWebhookApi();
        api.MapAdminApi();
        api.MapAdminWaitlistApi();
        api.MapAdminAbuseApi();
        return app;
    }
}

/// <summary>Tells whoever started the process where to go.</summary>
internal sealed partial class StartupBanner(IServer server, IHostApplicationLifetime lifetime, RunMode mode, ILogger<StartupBanner> logger,
    Microsoft.Extensions.Options.IOptions<CheckInOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!mode.IsDurable && options.Value.AdminKey == CheckInOptions.EmbeddedAdminKey)
        {
            LogDevAdminKey(logger, CheckInOptions.EmbeddedAdminKey);
        }
        if (!mode.IsDurable)
        {
            LogOpenDashboard(logger, DashboardAccess.PathPrefix);
        }
        lifetime.ApplicationStarted.Register(() =>
        {
            var url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
            LogReady(logger, mode.Describe(), url);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Using the embedded development admin key '{AdminKey}'. Set CheckIn__AdminKey for anything but a local demo.")]
    private static partial void LogDevAdminKey(ILogger logger, string adminKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Orleans Dashboard at {Dashboard} is open to anyone in embedded mode (grain state, and the live log unless CheckIn__Dashboard__ShowLogs=false); in durable mode it asks for the admin key.")]
    private static partial void LogOpenDashboard(ILogger logger, string dashboard);

    [LoggerMessage(Level = LogLevel.Information, Message = "Orleans.CheckIn is running in {Mode} mode. Passenger UI: {Url}/  API: {Url}/api  Swagger UI: {Url}/docs  Dashboard: {Url}/dashboard  Health: {Url}/health/ready")]
    private static partial void LogReady(ILogger logger, string mode, string url);
}
