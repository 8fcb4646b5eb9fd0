using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Seats;

namespace CheckIn.Grains.Tests.Rules;

public sealed class SeatRulesTests
{
    private const string Alice = "ABC123-1";
    private const string Bob = "ABC123-2";
    private static readonly DateTimeOffset T0 = new(2031, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan HoldFor = TimeSpan.FromSeconds(120);

    [Fact]
    public void Hold_on_available_seat_holds_it_until_now_plus_duration()
    {
        var decision = SeatRules.Hold(Available(), Alice, T0, HoldFor);

        Assert.Null(decision.Error);
        Assert.True(decision.Changed);
        Assert.Equal(SeatStatus.Held, decision.Record.Status);
        Assert.Equal(Alice, decision.Record.PassengerId);
        Assert.Equal(T0 + HoldFor, decision.Record.HoldExpiresAt);
        Assert.Equal(4, decision.Record.Version);
        Assert.Equal(T0, decision.Record.UpdatedAt);
    }

    [Fact]
    public void Hold_repeated_by_holder_returns_the_same_hold_and_never_extends_it()
    {
        var held = HeldBy(Alice);

        var repeat = SeatRules.Hold(held, Alice, T0 + TimeSpan.FromSeconds(90), HoldFor);

        Assert.Null(repeat.Error);
        Assert.False(repeat.Changed);
        Assert.Same(held, repeat.Record);
        Assert.Equal(T0 + HoldFor, repeat.Record.HoldExpiresAt);
    }

    [Fact]
    public void Hold_repeated_by_owner_of_confirmed_seat_keeps_it_confirmed()
    {
        var confirmed = ConfirmedBy(Alice);

        var repeat = SeatRules.Hold(confirmed, Alice, T0, HoldFor);

        Assert.Null(repeat.Error);
        Assert.False(repeat.Changed);
        Assert.Equal(SeatStatus.Confirmed, repeat.Record.Status);
    }

    [Theory]
    [InlineData(SeatStatus.Held)]
    [InlineData(SeatStatus.Confirmed)]
    public void Hold_on_seat_of_another_passenger_is_unavailable(SeatStatus status)
    {
        var seat = status == SeatStatus.Held ? HeldBy(Bob) : ConfirmedBy(Bob);

        var decision = SeatRules.Hold(seat, Alice, T0, HoldFor);

        Assert.Equal(FailureCode.SeatUnavailable, decision.Error?.Code);
        Assert.False(decision.Changed);
        Assert.Same(seat, decision.Record);
    }

    [Fact]
    public void Hold_on_blocked_seat_is_unavailable()
    {
        var decision = SeatRules.Hold(Available() with { Status = SeatStatus.Blocked }, Alice, T0, HoldFor);

        Assert.Equal(FailureCode.SeatUnavailable, decision.Error?.Code);
        Assert.False(decision.Changed);
    }

    [Fact]
    public void Confirm_by_holder_confirms_and_clears_the_expiry()
    {
        var decision = SeatRules.Confirm(HeldBy(Alice), Alice, T0 + TimeSpan.FromSeconds(30));

        Assert.Null(decision.Error);
        Assert.True(decision.Changed);
        Assert.Equal(SeatStatus.Confirmed, decision.Record.Status);
        Assert.Equal(Alice, decision.Record.PassengerId);
        Assert.Null(decision.Record.HoldExpiresAt);
        Assert.Equal(6, decision.Record.Version);
    }

    [Fact]
    public void Confirm_repeated_by_owner_returns_the_same_seat()
    {
        var confirmed = ConfirmedBy(Alice);

        var repeat = SeatRules.Confirm(confirmed, Alice, T0 + TimeSpan.FromMinutes(5));

        Assert.Null(repeat.Error);
        Assert.False(repeat.Changed);
        Assert.Same(confirmed, repeat.Record);
    }

    [Theory]
    [InlineData(SeatStatus.Available)]
    [InlineData(SeatStatus.Held)]
    [InlineData(SeatStatus.Confirmed)]
    public void Confirm_by_someone_who_does_not_hold_the_seat_is_not_holder(SeatStatus status)
    {
        var seat = status switch
        {
            SeatStatus.Held => HeldBy(Bob),
            SeatStatus.Confirmed => ConfirmedBy(Bob),
            _ => Available(),
        };

        var decision = SeatRules.Confirm(seat, Alice, T0);

        Assert.Equal(FailureCode.NotHolder, decision.Error?.Code);
        Assert.False(decision.Changed);
    }

    [Fact]
    public void Confirm_by_former_holder_after_expiry_is_hold_expired()
    {
        var expired = SeatRules.Expire(HeldBy(Alice), T0 + HoldFor).Record;

        var decision = SeatRules.Confirm(expired, Alice, T0 + HoldFor);

        Assert.Equal(FailureCode.HoldExpired, decision.Error?.Code);
        Assert.False(decision.Changed);
        Assert.Equal(SeatStatus.Available, decision.Record.Status);
    }

    [Fact]
    public void Confirm_by_another_passenger_after_expiry_is_not_holder()
    {
        var expired = SeatRules.Expire(HeldBy(Alice), T0 + HoldFor).Record;

        Assert.Equal(FailureCode.NotHolder, SeatRules.Confirm(expired, Bob, T0 + HoldFor).Error?.Code);
    }

    [Fact]
    public void Confirm_by_former_holder_after_release_is_not_holder()
    {
        var released = SeatRules.Release(HeldBy(Alice), Alice, T0).Record;

        Assert.Equal(FailureCode.NotHolder, SeatRules.Confirm(released, Alice, T0).Error?.Code);
    }

    [Theory]
    [InlineData(SeatStatus.Held)]
    [InlineData(SeatStatus.Confirmed)]
    public void Release_by_owner_frees_the_seat(SeatStatus status)
    {
        var seat = status == SeatStatus.Held ? HeldBy(Alice) : ConfirmedBy(Alice);

        var decision = SeatRules.Release(seat, Alice, T0 + TimeSpan.FromSeconds(10));

        Assert.Null(decision.Error);
        Assert.True(decision.Changed);
        Assert.Equal(SeatStatus.Available, decision.Record.Status);
        Assert.Null(decision.Record.PassengerId);
        Assert.Null(decision.Record.HoldExpiresAt);
        Assert.Equal(seat.Version + 1, decision.Record.Version);
        Assert.Equal(Alice, decision.Record.PreviousOwner);
        Assert.Equal(ClaimEnd.Released, decision.Record.PreviousEnd);
    }

    [Fact]
    public void Release_repeated_by_former_owner_succeeds_without_change()
    {
        var released = SeatRules.Release(HeldBy(Alice), Alice, T0).Record;

        var repeat = SeatRules.Release(released, Alice, T0 + TimeSpan.FromSeconds(1));

        Assert.Null(repeat.Error);
        Assert.False(repeat.Changed);
        Assert.Same(released, repeat.Record);
    }

    [Fact]
    public void Release_repeated_after_the_seat_went_to_the_waitlist_succeeds_and_reports_the_offer()
    {
        // Someone of the cabin waits: the release freed the seat and offered it to the line in the same write.
        var offered = SeatRules.Offer(SeatRules.Release(ConfirmedBy(Alice), Alice, T0).Record, T0).Record;

        var repeat = SeatRules.Release(offered, Alice, T0 + TimeSpan.FromSeconds(1));

        Assert.Null(repeat.Error);
        Assert.False(repeat.Changed);
        Assert.Same(offered, repeat.Record);
        Assert.Equal(SeatStatus.Offered, repeat.Record.Status);
        // Only the former owner's repeat is a repeat.
        Assert.Equal(FailureCode.NotHolder, SeatRules.Release(offered, Bob, T0).Error?.Code);
    }

    [Fact]
    public void Release_by_former_holder_after_expiry_succeeds_without_change()
    {
        var expired = SeatRules.Expire(HeldBy(Alice), T0 + HoldFor).Record;

        var decision = SeatRules.Release(expired, Alice, T0 + HoldFor);

        Assert.Null(decision.Error);
        Assert.False(decision.Changed);
    }

    [Theory]
    [InlineData(SeatStatus.Available)]
    [InlineData(SeatStatus.Held)]
    [InlineData(SeatStatus.Confirmed)]
    public void Release_by_someone_who_does_not_own_the_seat_is_not_holder(SeatStatus status)
    {
        var seat = status switch
        {
            SeatStatus.Held => HeldBy(Bob),
            SeatStatus.Confirmed => ConfirmedBy(Bob),
            _ => Available(),
        };

        var decision = SeatRules.Release(seat, Alice, T0);

        Assert.Equal(FailureCode.NotHolder, decision.Error?.Code);
        Assert.False(decision.Changed);
        Assert.Same(seat, decision.Record);
    }

    [Fact]
    public void Expire_keeps_a_hold_until_its_expiry()
    {
        var held = HeldBy(Alice);

        var decision = SeatRules.Expire(held, T0 + HoldFor - TimeSpan.FromTicks(1));

        Assert.False(decision.Changed);
        Assert.Same(held, decision.Record);
    }

    [Fact]
    public void Expire_at_the_expiry_frees_the_seat_and_remembers_the_holder()
    {
        var held = HeldBy(Alice);

        var decision = SeatRules.Expire(held, T0 + HoldFor);

        Assert.True(decision.Changed);
        Assert.Null(decision.Error);
        Assert.Equal(SeatStatus.Available, decision.Record.Status);
        Assert.Null(decision.Record.PassengerId);
        Assert.Null(decision.Record.HoldExpiresAt);
        Assert.Equal(held.Version + 1, decision.Record.Version);
        Assert.Equal(T0 + HoldFor, decision.Record.UpdatedAt);
        Assert.Equal(Alice, decision.Record.PreviousOwner);
        Assert.Equal(ClaimEnd.Expired, decision.Record.PreviousEnd);
    }

    [Theory]
    [InlineData(SeatStatus.Available)]
    [InlineData(SeatStatus.Confirmed)]
    public void Expire_never_touches_a_seat_that_is_not_held(SeatStatus status)
    {
        var seat = status == SeatStatus.Confirmed ? ConfirmedBy(Alice) : Available();

        var decision = SeatRules.Expire(seat, T0 + TimeSpan.FromDays(3));

        Assert.False(decision.Changed);
        Assert.Same(seat, decision.Record);
    }

    [Fact]
    public void Hold_by_another_passenger_after_expiry_succeeds()
    {
        var expired = SeatRules.Expire(HeldBy(Alice), T0 + HoldFor).Record;

        var decision = SeatRules.Hold(expired, Bob, T0 + HoldFor, HoldFor);

        Assert.Null(decision.Error);
        Assert.Equal(Bob, decision.Record.PassengerId);
        Assert.Equal(T0 + HoldFor + HoldFor, decision.Record.HoldExpiresAt);
    }

    [Fact]
    public void A_seat_offered_to_the_waitlist_cannot_be_held_and_goes_to_the_waitlists_choice()
    {
        var offered = SeatRules.Offer(Available(), T0).Record;
        Assert.Equal((SeatStatus.Offered, 4L), (offered.Status, offered.Version));

        Assert.Equal(FailureCode.SeatUnavailable, SeatRules.Hold(offered, Alice, T0, HoldFor).Error?.Code);
        var assigned = SeatRules.Assign(offered, Bob, T0);

        Assert.True(assigned.Changed);
        Assert.Equal((SeatStatus.Confirmed, Bob, (DateTimeOffset?)null), (assigned.Record.Status, assigned.Record.PassengerId, assigned.Record.HoldExpiresAt));
        Assert.False(SeatRules.Assign(assigned.Record, Bob, T0).Changed);
        Assert.Equal(FailureCode.SeatUnavailable, SeatRules.Assign(assigned.Record, Alice, T0).Error?.Code);
    }

    [Theory]
    [InlineData(SeatStatus.Available)]
    [InlineData(SeatStatus.Blocked)]
    public void Only_an_offered_seat_can_be_assigned_by_the_waitlist(SeatStatus status)
    {
        Assert.Equal(FailureCode.SeatUnavailable, SeatRules.Assign(Available() with { Status = status }, Bob, T0).Error?.Code);
    }

    [Fact]
    public void The_waitlist_claims_free_seats_only_and_ending_an_offer_frees_the_seat()
    {
        var claimed = SeatRules.Claim(Available(), T0);
        Assert.Equal(SeatStatus.Offered, claimed.Record.Status);
        Assert.False(SeatRules.Claim(claimed.Record, T0).Changed);
        Assert.Equal(FailureCode.SeatUnavailable, SeatRules.Claim(HeldBy(Alice), T0).Error?.Code);
        Assert.Equal(FailureCode.SeatUnavailable, SeatRules.Claim(Available() with { Status = SeatStatus.Blocked }, T0).Error?.Code);

        var ended = SeatRules.EndOffer(claimed.Record, T0);
        Assert.Equal(SeatStatus.Available, ended.Record.Status);
        Assert.False(SeatRules.EndOffer(ended.Record, T0).Changed);
        Assert.False(SeatRules.EndOffer(HeldBy(Alice), T0).Changed);
    }

    [Fact]
    public void Operators_block_free_seats_only_and_unblocking_frees_them()
    {
        var blocked = SeatRules.Block(Available(), T0);
        Assert.Equal(SeatStatus.Blocked, blocked.Record.Status);
        Assert.False(SeatRules.Block(blocked.Record, T0).Changed);
        Assert.Equal(FailureCode.SeatOccupied, SeatRules.Block(HeldBy(Alice), T0).Error?.Code);
        Assert.Equal(FailureCode.SeatOccupied, SeatRules.Block(ConfirmedBy(Alice), T0).Error?.Code);

        Assert.Equal(SeatStatus.Available, SeatRules.Unblock(blocked.Record, T0).Record.Status);
        Assert.False(SeatRules.Unblock(Available(), T0).Changed);
    }

    private static SeatRecord Available() => SeatRecord.Initial with { Version = 3, UpdatedAt = T0 - TimeSpan.FromHours(1) };

    private static SeatRecord HeldBy(string passengerId) =>
        new(SeatStatus.Held, passengerId, T0 + HoldFor, 5, T0, null, ClaimEnd.None);

    private static SeatRecord ConfirmedBy(string passengerId) =>
        new(SeatStatus.Confirmed, passengerId, null, 6, T0, null, ClaimEnd.None);
}
