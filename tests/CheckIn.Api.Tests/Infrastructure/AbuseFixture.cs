using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Reminders;
using Orleans.TestingHost;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>
/// Test code only: the test server has no socket, so a request names its peer address in <see cref="Header"/> and
/// this filter, ahead of the whole pipeline, makes it the connection's remote address.
/// </summary>
public sealed class TestPeerAddress : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var peer))
            {
                context.Connection.RemoteIpAddress = peer;
            }
            return nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>
/// A host of its own with abuse protection ON at its default limits, a trusted proxy range (10.0.0.0/8), one API
/// key with its own sign-in limit, and a fake clock the tests advance (it starts half an hour behind real time, like
/// the shared fake-time host, and the tests advance it by less than that in all).
/// </summary>
public sealed class AbuseFixture : IAsyncLifetime, IDisposable
{
    public const string PartnerKey = "partner-key-0123456789abcdef";
    public const int PartnerSessionsPerMinute = 3;

    private readonly CheckInApiFactory _root = new();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow.AddMinutes(-30));

    public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public CheckInApi Api { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Factory = _root.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("CheckIn:RateLimiting:Enabled", "true");
            builder.UseSetting("CheckIn:TrustedProxies:0", "10.0.0.0/8");
            builder.UseSetting("CheckIn:RateLimiting:ApiKeys:0:Name", "partner");
            builder.UseSetting("CheckIn:RateLimiting:ApiKeys:0:Key", PartnerKey);
            builder.UseSetting("CheckIn:RateLimiting:ApiKeys:0:SessionsPerMinute", PartnerSessionsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<IStartupFilter, TestPeerAddress>();
                services.UseFakeClock(Clock);
            });
        });
        Api = new CheckInApi(Factory.CreateContractCheckedClient());
        return Task.CompletedTask;
    }

    /// <summary>Moves the host's clock; timers fire on the calling thread, so never on a request's thread.</summary>
    public Task AdvanceAsync(TimeSpan by) => Task.Run(() => Clock.Advance(by));

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }
        await _root.DisposeAsync();
    }

    public void Dispose() => _root.Dispose();
}

[CollectionDefinition(Name)]
public sealed class AbuseCollection : ICollectionFixture<AbuseFixture>
{
    public const string Name = "Abuse";
}
