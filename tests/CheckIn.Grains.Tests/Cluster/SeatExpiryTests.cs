using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class SeatExpiryTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_hold_one_second_before_its_expiry_is_still_held_and_confirmable()
    {
        var flight = await _grains.CreateFlightAsync();
        var held = (await _grains.HoldAsync(flight, "EXPA01-1", "7A")).Ok();

        await fixture.AdvanceAsync(ClusterFixture.HoldDuration - TimeSpan.FromSeconds(1));

        Assert.Equal(held, await _grains.SeatAsync(flight, "7A"));
        var confirmed = (await _grains.ConfirmAsync(flight, "EXPA01-1", "7A")).Ok();
        Assert.Equal(SeatStatus.Confirmed, confirmed.Status);
        Assert.Equal("EXPA01-1", confirmed.PassengerId);
    }

    [Fact]
    public async Task A_hold_past_its_expiry_is_released_by_the_system_without_any_call()
    {
        var flight = await _grains.CreateFlightAsync();
        var held = (await _grains.HoldAsync(flight, "EXPB01-1", "7B")).Ok();
        // The map learns of the hold by notification; from here on it only changes when the seat tells it.
        await Eventually.Until(() => _grains.MapEntryAsync(flight, "7B"), e => e?.Status == SeatStatus.Held, "the map to show the hold");

        await fixture.AdvanceAsync(ClusterFixture.HoldDuration + TimeSpan.FromSeconds(1));

        await Eventually.Until(() => _grains.MapEntryAsync(flight, "7B"), e => e?.Status == SeatStatus.Available, "the map to show the seat released");
        var expiry = await Eventually.Until(
            async () => await fixture.AuditLog.QueryAsync(flight, "7B", 100) is [.., var last] ? last : null,
            e => e is { From: SeatStatus.Held, To: SeatStatus.Available },
            "the expiry in the audit log");
        Assert.Equal("system", expiry!.Actor);
        Assert.Equal("EXPB01-1", expiry.PassengerId);
        Assert.Equal(held.Version + 1, expiry.SeatVersion);

        var seat = await _grains.SeatAsync(flight, "7B");
        Assert.Equal(SeatStatus.Available, seat.Status);
        Assert.Null(seat.PassengerId);
        Assert.Null(seat.HoldExpiresAt);
        (await _grains.ConfirmAsync(flight, "EXPB01-1", "7B")).Refused(FailureCode.HoldExpired);
        (await _grains.HoldAsync(flight, "EXPB02-1", "7B")).Ok();
    }

    [Fact]
    public async Task A_lost_notification_of_an_expiry_is_healed_by_the_maps_next_sweep()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "LOST01-1", "7D")).Ok();
        await Eventually.Until(() => _grains.MapEntryAsync(flight, "7D"), e => e?.Status == SeatStatus.Held, "the map to show the hold");

        // The map's minute reconcile with the audit trail would heal this too: its queries fail here, so only the
        // sweep can.
        using var noReconcile = fixture.FailingSeatVersionQueries.Fail(flight);
        using (fixture.DroppedMapNotifications.Drop(flight))
        {
            await fixture.AdvanceAsync(ClusterFixture.HoldDuration + TimeSpan.FromSeconds(1));
            await Eventually.Until(() => Task.FromResult(fixture.DroppedMapNotifications.DroppedFor(flight)), n => n > 0, "the expiry's notification to be lost");
            Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "7D")).Status);
            Assert.Equal(SeatStatus.Held, (await _grains.MapEntryAsync(flight, "7D"))!.Status);
        }

        // The map still shows the hold past its expiry, so its sweep nudges the seat, which re-sends its state.
        var healed = await Eventually.Until(
            async () =>
            {
                await fixture.AdvanceAsync(TimeSpan.FromSeconds(1));
                return await _grains.MapEntryAsync(flight, "7D");
            },
            e => e?.Status == SeatStatus.Available,
            "the map to show the seat free again",
            TimeSpan.FromSeconds(5));
        Assert.Null(healed!.PassengerId);
    }

    [Fact]
    public async Task Confirm_right_after_the_expiry_is_refused_even_if_no_timer_ran_yet()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "EXPC01-1", "7C")).Ok();

        await fixture.AdvanceAsync(ClusterFixture.HoldDuration + TimeSpan.FromSeconds(1));
        var confirm = await _grains.ConfirmAsync(flight, "EXPC01-1", "7C");

        confirm.Refused(FailureCode.HoldExpired);
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "7C")).Status);
    }

    [Fact]
    public async Task Confirm_at_the_exact_expiry_instant_is_refused()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "EXPD01-1", "7D")).Ok();

        await fixture.AdvanceAsync(ClusterFixture.HoldDuration);

        (await _grains.GetSeatGrain(flight, "7D").ConfirmAsync("EXPD01-1", Commands.By("EXPD01-1"))).Refused(FailureCode.HoldExpired);
    }

    [Fact]
    public async Task A_hold_expires_even_when_its_seat_grain_was_deactivated()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "EXPE01-1", "7E")).Ok();
        await Eventually.Until(() => _grains.MapEntryAsync(flight, "7E"), e => e?.Status == SeatStatus.Held, "the map to show the hold");
        await fixture.DeactivateAsync(_grains.GetSeatGrain(flight, "7E"));

        await fixture.AdvanceAsync(ClusterFixture.HoldDuration + TimeSpan.FromSeconds(1));

        await Eventually.Until(() => _grains.MapEntryAsync(flight, "7E"), e => e?.Status == SeatStatus.Available, "the map to show the seat released");
        var events = await fixture.AuditLog.QueryAsync(flight, "7E", 100);
        Assert.Equal("system", events[^1].Actor);
        Assert.Equal((SeatStatus.Held, SeatStatus.Available), (events[^1].From, events[^1].To));
    }

    [Fact]
    public async Task After_its_hold_expired_the_passenger_has_no_seat()
    {
        var flight = await _grains.CreateFlightAsync();
        (await _grains.HoldAsync(flight, "EXPF01-1", "7F")).Ok();

        await fixture.AdvanceAsync(ClusterFixture.HoldDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(SeatStatus.Available, (await _grains.SeatAsync(flight, "7F")).Status);

        Assert.Null(await _grains.GetPassengerSeatGrain(flight, "EXPF01-1").GetSeatNumberAsync());
    }
}
