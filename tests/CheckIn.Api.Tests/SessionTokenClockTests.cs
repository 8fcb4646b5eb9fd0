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
    public async Task An_expired_token_is_told_apart_from_a_forged_one()
    {
        await using var host = fixture.StartFakeTimeHost(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var flightId = await host.Api.CreateFlightAsync();
        var traveller = await host.Api.NewTravellerAsync(flightId);
        // The same claims, the signature of another key: a token this service never issued.
        var parts = traveller.Token.Split('.');
        var forged = traveller with { Token = $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_')}" };

        await host.AdvanceAsync(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        using var expired = await host.Api.SeatCommandAsync(traveller, flightId, "3A", "hold");
        using var invalid = await host.Api.SeatCommandAsync(forged, flightId, "3A", "hold");
        using var missing = await host.Api.PostJsonAsync($"/api/flights/{flightId}/seats/3A/hold", new { passengerId = traveller.PassengerId });

        await ProblemAssert.IsProblemAsync(expired, 401, "SESSION_EXPIRED");
        Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"The token expired at ", expired.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(invalid, 401, "UNAUTHENTICATED");
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"The token is invalid\"", invalid.Headers.WwwAuthenticate.ToString());
        await ProblemAssert.IsProblemAsync(missing, 401, "UNAUTHENTICATED");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_token_is_accepted_up_to_the_30_s_clock_skew_past_its_expiry_and_expired_after()
    {
        await using var host = fixture.StartFakeTimeHost(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var flightId = await host.Api.CreateFlightAsync();
        var traveller = await host.Api.NewTravellerAsync(flightId);

        await host.AdvanceAsync(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(20));
        using var withinSkew = await host.Api.SeatCommandAsync(traveller, flightId, "3A", "hold");
        await host.AdvanceAsync(TimeSpan.FromSeconds(20));
        using var pastSkew = await host.Api.SeatCommandAsync(traveller, flightId, "3B", "hold");

        await CheckInApi.EnsureStatusAsync(withinSkew, 200);
        var problem = await ProblemAssert.IsProblemAsync(pastSkew, 401, "SESSION_EXPIRED");
        Assert.Contains("30 s", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
