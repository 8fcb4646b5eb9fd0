using System.Globalization;
using CheckIn.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Api.Tests;

/// <summary>
/// A host of its own with abuse limits on and a hold cooldown after more than one hold cycle, on a fake clock (so
/// <c>Retry-After</c> is exact).
/// </summary>
public sealed class HoldCooldownApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private WebApplicationFactory<Program> _factory = null!;
    private CheckInApi _api = null!;

    public Task InitializeAsync()
    {
        _factory = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("CheckIn:RateLimiting:Enabled", "true");
            builder.UseSetting("CheckIn:RateLimiting:HoldCycles", "1");
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock)));
        });
        _api = new CheckInApi(_factory.CreateContractCheckedClient());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_passenger_past_the_hold_cycles_gets_409_hold_cooldown_with_Retry_After()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(traveller, flightId, "5A");
        using (var release = await _api.SeatCommandAsync(traveller, flightId, "5A", "release"))
        {
            await CheckInApi.EnsureStatusAsync(release, 200);
        }
        await _api.HoldAsync(traveller, flightId, "5B");
        var cooldownStart = _clock.GetUtcNow();
        // Moving on from the held 5B is the second cycle: this hold succeeds, the next one is refused.
        await _api.HoldAsync(traveller, flightId, "5C");

        using var response = await _api.SeatCommandAsync(traveller, flightId, "5D", "hold");

        var problem = await ProblemAssert.IsProblemAsync(response, 409, "HOLD_COOLDOWN", "passengerId");
        var retryAt = DateTimeOffset.Parse(problem.GetProperty("retryAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(cooldownStart + TimeSpan.FromMinutes(10), retryAt);
        Assert.Equal("600", Assert.Single(response.Headers.GetValues("Retry-After")));
        var map = await _api.GetSeatMapAsync(flightId);
        Assert.Equal("AVAILABLE", map.GetProperty("seats").EnumerateArray().Single(s => s.GetProperty("seatNumber").GetString() == "5D").GetProperty("status").GetString());
    }
}
