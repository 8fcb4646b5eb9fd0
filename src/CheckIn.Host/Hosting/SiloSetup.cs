using CheckIn.Grains.Storage;
using Orleans.Dashboard;
using System.Net;
using CheckIn.Grains;
using CheckIn.Grains.Abuse;
using CheckIn.Grains.Audit;
using CheckIn.Grains.CheckIns;
using CheckIn.Grains.Telemetry;
using CheckIn.Host.Persistence;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CheckIn.Host.Hosting;

/// <summary>Co-hosts the Orleans silo in the web app, with providers chosen by <see cref="RunMode"/>.</summary>
internal static class SiloSetup
{
    public static WebApplicationBuilder AddCheckInSilo(this WebApplicationBuilder builder, RunMode mode)
    {
        var orleans = builder.Configuration.GetSection(OrleansHostOptions.Section).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        builder.Services.AddSingleton(mode);
        builder.Services.AddOptions<SeatHoldOptions>()
            .BindConfiguration(CheckInOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<CheckInWindowOptions>()
            .BindConfiguration(CheckInWindowOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Closes < o.Opens, "CheckIn:Window:Closes must be shorter than CheckIn:Window:Opens.")
            .ValidateOnStart();
        builder.Services.AddOptions<BaggageOptions>()
            .BindConfiguration(BaggageOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.IncludedKg <= o.MaxKg, "CheckIn:Baggage:IncludedKg must not be more than CheckIn:Baggage:MaxKg.")
            .ValidateOnStart();
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // API keys: complete, unique names and keys (data annotations do not look inside the list).
        builder.Services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();

        builder.UseOrleans(silo =>
        {
            silo.Services.AddCheckInMetrics();
            if (TelemetryOptions.Read(builder.Configuration, mode).Enabled)
            {
                // Grain calls carry the caller's trace context, so a request's trace reaches into the grains.
                silo.AddActivityPropagation();
                silo.AddOutgoingGrainCallFilter<UnsampledTraceContextFilter>();
            }
            silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = orleans.ClusterId;
                o.ServiceId = orleans.ServiceId;
            });
            silo.UseCheckInMembership(builder.Configuration);
            // Idle activations go after CheckIn:GrainCollectionAge (validated with the other CheckIn options).
            silo.Services.AddOptions<Orleans.Configuration.GrainCollectionOptions>()
                .Configure<IOptions<CheckInOptions>>((collection, checkIn) => collection.CollectionAge = checkIn.Value.GrainCollectionAge);

            if (mode.UsesRedisClustering)
            {
                if (string.IsNullOrWhiteSpace(orleans.AdvertisedHost))
                {
                    silo.ConfigureEndpoints(IPAddress.Loopback, orleans.SiloPort, orleans.GatewayPort);
                }
                else
                {
                    var address = Dns.GetHostAddresses(orleans.AdvertisedHost).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
                    silo.ConfigureEndpoints(address, orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: true);
                }
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(mode.RedisConnectionString!));
                silo.ConfigureServices(RecoveringMembershipTable.Decorate);
            }
            else
            {
                silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId);
            }

            if (mode.IsDurable)
            {
                silo.UsePostgresPersistence(mode.PostgresConnectionString!);
            }
            else
            {
                silo.AddMemoryGrainStorage(StorageNames.Default, o => o.GrainStorageSerializer = GrainStateJson.CreateSerializer());
                silo.Services.Configure<GrainStorageOptions>(o => o.OutlivesSilo = false);
                silo.UseInMemoryReminderService();
                silo.Services.AddSingleton<IAuditLog, InMemoryAuditLog>();
                silo.Services.AddSingleton<ICheckInAuditLog, InMemoryCheckInAuditLog>();
                silo.Services.AddSingleton<IWaitlistAuditLog, InMemoryWaitlistAuditLog>();
                silo.Services.AddSingleton<IAbuseIncidentLog, InMemoryAbuseIncidentLog>();
            }

            silo.AddDashboard(o => o.HideTrace = CheckIn.Host.Auth.DashboardAccess.HideLogs(builder.Configuration, mode));
        });
        return builder;
    }
}
