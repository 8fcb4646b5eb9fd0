using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Seats;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Api.Tests;

/// <summary>
/// A host of its own on a fake clock, whose grain calls a test can make fail the way a dying silo's do: the host
/// repeats a safe request once after a short pause, and answers 503 with Retry-After when that fails too or when the
/// request is not safe to repeat.
/// </summary>
public sealed class OutageRetryFixture : IAsyncLifetime
{
    // Half an hour behind real time, like the other fake-clock hosts: the JWT handler checks lifetimes on the wall clock.
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow.AddMinutes(-30));

    public FailingGrainCalls Faults { get; } = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public CheckInApi Api { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Factory = new CheckInApiFactory().WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            services.UseFakeClock(Clock);
            services.AddFakeLogging();
            services.AddSingleton<IOutgoingGrainCallFilter>(Faults);
        }));
        Api = new CheckInApi(Factory.CreateContractCheckedClient());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class OutageRetryTests(OutageRetryFixture fixture) : IClassFixture<OutageRetryFixture>
{
    private const string HoldRoute = "/api/flights/{flightId}/seats/{seatNumber}/hold";

    /// <summary>The host's pause before its one repeat (OutageRetryFilter.Delay).</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private CheckInApi Api => fixture.Api;

    [Fact]
    public async Task A_hold_whose_answer_is_lost_once_is_repeated_in_the_host_answers_200_and_the_passenger_holds_one_seat()
    {
        var flightId = await Api.CreateFlightAsync();
        var traveller = await Api.NewTravellerAsync(flightId);
        using var retries = Collect();
        var logs = fixture.Factory.Services.GetFakeLogCollector();
        logs.Clear();
        // The grain holds the seat, then its answer is lost: the repeat must find the hold, not take a second seat.
        var fault = fixture.Faults.Fail<IPassengerSeatGrain>(nameof(IPassengerSeatGrain.HoldAsync), flightId, times: 1, afterTheGrainRan: true);

        using var response = await WhileTimePassesAsync(Api.SeatCommandAsync(traveller, flightId, "4A", "hold"), fault);

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.Equal("HELD", (await CheckInApi.ReadJsonAsync(response)).GetProperty("status").GetString());
        Assert.Equal(2, fault.Calls);
        Assert.Equal(1, HostMetrics.Sum(retries, ("route", HoldRoute), ("outcome", "succeeded")));
        var held = (await Api.GetSeatMapAsync(flightId)).GetProperty("seats").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "HELD").Select(s => s.GetProperty("seatNumber").GetString()).ToList();
        Assert.Equal(["4A"], held);
        var line = Assert.Single(logs.GetSnapshot(), l => l.Message.Contains("repeating once", StringComparison.Ordinal)
            && l.Message.Contains(HoldRoute, StringComparison.Ordinal));
        Assert.Contains("SiloUnavailableException", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(traveller.PassengerId, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(traveller.Pnr, line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hold_that_fails_twice_answers_503_with_Retry_After_after_one_repeat()
    {
        var flightId = await Api.CreateFlightAsync();
        var traveller = await Api.NewTravellerAsync(flightId);
        using var retries = Collect();
        var fault = fixture.Faults.Fail<IPassengerSeatGrain>(nameof(IPassengerSeatGrain.HoldAsync), flightId, times: 2);

        using var response = await WhileTimePassesAsync(Api.SeatCommandAsync(traveller, flightId, "4B", "hold"), fault);

        await ProblemAssert.IsProblemAsync(response, 503, "SERVICE_UNAVAILABLE");
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal(2, fault.Calls);
        Assert.Equal(1, HostMetrics.Sum(retries, ("route", HoldRoute), ("outcome", "unavailable")));
    }

    [Fact]
    public async Task A_failure_that_took_longer_than_the_retry_budget_is_not_repeated()
    {
        var flightId = await Api.CreateFlightAsync();
        var traveller = await Api.NewTravellerAsync(flightId);
        using var retries = Collect();
        // As a call that waited out a long timeout: the client would wait that long again.
        var fault = fixture.Faults.Fail<IPassengerSeatGrain>(nameof(IPassengerSeatGrain.HoldAsync), flightId, times: 1, clock: fixture.Clock, slowBy: TimeSpan.FromSeconds(10));

        // The clock moves on as for a repeat, so that a repeat would be seen rather than wait forever.
        using var response = await WhileTimePassesAsync(Api.SeatCommandAsync(traveller, flightId, "4C", "hold"), fault);

        await ProblemAssert.IsProblemAsync(response, 503, "SERVICE_UNAVAILABLE");
        Assert.Equal(1, fault.Calls);
        Assert.Empty(retries.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task A_read_that_fails_once_is_repeated_and_answers_200()
    {
        var flightId = await Api.CreateFlightAsync();
        var traveller = await Api.NewTravellerAsync(flightId);
        using var retries = Collect();
        var fault = fixture.Faults.Fail<ICheckInGrain>(nameof(ICheckInGrain.GetAsync), flightId, times: 1);

        using var response = await WhileTimePassesAsync(Api.GetAsync($"/api/flights/{flightId}/check-ins/{traveller.PassengerId}", traveller.Token), fault);

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.Equal(2, fault.Calls);
        Assert.Equal(1, HostMetrics.Sum(retries, ("route", "/api/flights/{flightId}/check-ins/{passengerId}"), ("outcome", "succeeded")));
    }

    [Fact]
    public async Task A_check_in_start_without_an_Idempotency_Key_is_not_repeated_and_answers_503()
    {
        var (flightId, traveller) = await OpenCheckInAsync();
        using var retries = Collect();
        var fault = fixture.Faults.Fail<ICheckInGrain>(nameof(ICheckInGrain.StartAsync), flightId, times: 1);

        using var response = await WhileTimePassesAsync(
            Api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds = new[] { traveller.PassengerId } }, traveller.Token), fault);

        await ProblemAssert.IsProblemAsync(response, 503, "SERVICE_UNAVAILABLE");
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal(1, fault.Calls);
        Assert.Empty(retries.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task A_check_in_start_under_an_Idempotency_Key_is_repeated_and_answers_200()
    {
        var (flightId, traveller) = await OpenCheckInAsync();
        using var retries = Collect();
        var fault = fixture.Faults.Fail<ICheckInGrain>(nameof(ICheckInGrain.StartAsync), flightId, times: 1);

        using var response = await WhileTimePassesAsync(
            Api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds = new[] { traveller.PassengerId } }, traveller.Token, CheckInApi.NewIdempotencyKey()),
            fault);

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.Equal(2, fault.Calls);
        var retry = Assert.Single(retries.GetMeasurementSnapshot());
        Assert.Equal(("/api/flights/{flightId}/check-ins/", "succeeded", 1L), ((string)retry.Tags["route"]!, (string)retry.Tags["outcome"]!, retry.Value));
    }

    private MetricCollector<long> Collect() => HostMetrics.Collect(fixture.Factory.Services, "checkin.api.retries");

    /// <summary>A flight departing in three hours (check-in open on the fake clock) and a passenger on it.</summary>
    private async Task<(string FlightId, Traveller Traveller)> OpenCheckInAsync()
    {
        var flightId = await Api.CreateFlightAsync(fixture.Clock.GetUtcNow().AddHours(3));
        return (flightId, await Api.NewTravellerAsync(flightId));
    }

    /// <summary>
    /// The host waits <see cref="RetryDelay"/> on its (fake) clock before repeating: once the first call has failed,
    /// the clock moves on until the response is in. Not before, so the failure itself takes no time.
    /// </summary>
    private async Task<HttpResponseMessage> WhileTimePassesAsync(Task<HttpResponseMessage> pending, FailingGrainCalls.Fault fault)
    {
        await Eventually.TrueAsync(() => fault.Failures > 0 || pending.IsCompleted, "the first call to fail");
        await Eventually.Until(
            async () =>
            {
                if (!pending.IsCompleted)
                {
                    await Task.Run(() => fixture.Clock.Advance(RetryDelay));
                }
                return pending.IsCompleted;
            },
            done => done,
            "the response after the host's repeat");
        return await pending;
    }
}
