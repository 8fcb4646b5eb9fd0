using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Reminders;
using Orleans.TestingHost;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>A host whose clock is a <see cref="FakeTimeProvider"/>; its owner alone advances the clock.</summary>
public sealed class FakeTimeHost(WebApplicationFactory<Program> factory, FakeTimeProvider clock) : IAsyncDisposable
{
    public FakeTimeProvider Clock { get; } = clock;

    public CheckInApi Api { get; } = new(factory.CreateContractCheckedClient());

    /// <summary>Moves the host's clock; timers fire on the calling thread, so never on a request's thread.</summary>
    public Task AdvanceAsync(TimeSpan by) => Task.Run(() => Clock.Advance(by));

    public ValueTask DisposeAsync() => factory.DisposeAsync();
}

/// <summary>
/// One real host for the whole collection, plus a second one (its own ports) whose clock is fake, for the tests
/// that need time to pass. Both start once, in parallel.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime, IDisposable
{
    private readonly CheckInApiFactory _factory = new();

    public CheckInApi Api { get; private set; } = null!;

    /// <summary>The shared host's test server, for requests HttpClient would rewrite (it splits list headers).</summary>
    public TestServer Server => _factory.Server;

    /// <summary>Shared by the hold-expiry tests; each works on its own flight, so their clock advances do not collide.</summary>
    public FakeTimeHost FakeTime { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The JWT handler checks token lifetimes against the wall clock, not the injected one (see
        // SessionTokenClockTests), so the shared fake clock starts half an hour behind real time: tokens it issues stay
        // valid while the tests advance it by up to 30 minutes in all.
        var fakeTime = Task.Run(() => StartFakeTimeHost(new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-30))));
        Api = new CheckInApi(_factory.CreateContractCheckedClient());
        FakeTime = await fakeTime;
    }

    /// <summary>
    /// A second host derived from the shared factory with its own ports and cluster, on STACK.md's fake-time recipe:
    /// grains, timers and reminders on <paramref name="clock"/>; Orleans's own background loops stay on real time
    /// so advancing the clock never spins them.
    /// </summary>
    public FakeTimeHost StartFakeTimeHost(FakeTimeProvider clock)
    {
        var factory = _factory.WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            builder.ConfigureServices(services => services.UseFakeClock(clock));
        });
        return new FakeTimeHost(factory, clock);
    }

    public async Task DisposeAsync()
    {
        if (FakeTime is not null)
        {
            await FakeTime.DisposeAsync();
        }
        await _factory.DisposeAsync();
    }

    public void Dispose() => _factory.Dispose();
}

/// <summary>STACK.md's fake-time recipe for a test host.</summary>
public static class FakeClockServices
{
    /// <summary>
    /// Grains, timers, reminders and the API on <paramref name="clock"/>; Orleans's own background loops stay on real
    /// time so advancing the clock never spins them.
    /// </summary>
    public static IServiceCollection UseFakeClock(this IServiceCollection services, FakeTimeProvider clock)
    {
        services.AddSingleton(clock);
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
        services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, clock);
        return services;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "Api";
}
