using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Abuse;

/// <summary>Abuse protection's registrations and middleware (README "Abuse protection").</summary>
internal static class AbuseSetup
{
    public static IServiceCollection AddAbuseProtection(this IServiceCollection services)
    {
        // RateLimitOptions are bound and validated with the silo's settings (SiloSetup): the grains read them too.
        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IConfiguration>((o, configuration) =>
            {
                var proxies = TrustedProxies.From(configuration);
                o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
                // Only the configured proxies: ASP.NET Core trusts loopback by default, and with both lists empty it
                // would believe every peer. ForwardLimit null walks X-Forwarded-For from the right and stops at the
                // first hop that is not a trusted proxy: that hop is the client.
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
                o.ForwardLimit = null;
                foreach (var address in proxies.Addresses)
                {
                    o.KnownProxies.Add(address);
                }
                foreach (var network in proxies.Networks)
                {
                    o.KnownIPNetworks.Add(network);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ForwardedHeadersOptions>, TrustedProxiesValidator>();
        services.AddSingleton<ClientIdentity>();
        services.AddSingleton<AbuseRejections>();
        services.AddSingleton<ClientGuard>();
        services.AddHostedService<ClientGuardLoop>();
        services.ConfigureSwaggerGen(o => o.OperationFilter<TooManyRequestsResponses>());
        return services;
    }

    /// <summary>Forwarded headers from trusted proxies (only when there are any), then blocks and limits.</summary>
    public static IApplicationBuilder UseAbuseProtection(this IApplicationBuilder app)
    {
        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        if (TrustedProxies.From(configuration).Any)
        {
            app.UseForwardedHeaders(app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value);
        }
        return app.UseMiddleware<AbuseMiddleware>();
    }
}
