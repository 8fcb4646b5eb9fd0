using CheckIn.Api.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Api.Tests;

/// <summary>
/// Session tokens are issued on the host's injected clock; they must be validated on the same clock. Each test
/// starts a fake-time host of its own, because it moves the clock far (an hour) or away from real time.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SessionTokenClockTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_token_issued_while_the_host_clock_is_ahead_of_the_wall_clock_is_accepted()
    {
        await using var host = fixture.StartFakeTimeHost(new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(10)));
        var flightId = await host.Api.CreateFlightAsync();
        var traveller = await host.Api.NewTravellerAsync(flightId);

        using var response = await host.Api.SeatCommandAsync(traveller, flightId, "3A", "hold");

        await CheckInApi.EnsureStatusAsync(response, 200);
    }

    [Fact]
    public async Task A_token_is_rejected_once_the_host_clock_passes_its_expiry()
    {
        await using var host = fixture.StartFakeTimeHost(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var flightId = await host.Api.CreateFlightAsync();
        var traveller = await host.Api.NewTravellerAsync(flightId);

        await host.AdvanceAsync(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        using var response = await host.Api.SeatCommandAsync(traveller, flightId, "3A", "hold");

        await ProblemAssert.IsProblemAsync(response, 401, "UNAUTHENTICATED");
    }
}
