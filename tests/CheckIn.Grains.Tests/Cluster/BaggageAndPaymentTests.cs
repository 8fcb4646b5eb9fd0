using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Grains.CheckIns;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class BaggageAndPaymentTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_bag_within_the_allowance_is_added_without_a_fee()
    {
        var (checkIn, passenger, _) = await StartedAsync();
        fixture.Scale.Set(Tag(passenger, 1), BagWeighing.Weighed(23.4m));

        var view = (await checkIn.AddBagAsync(Tag(passenger, 1), Commands.By(passenger))).Ok();

        var bag = Assert.Single(view.Bags);
        Assert.Equal((23.4m, false, 0m, "EUR"), (bag.WeightKg, bag.Overweight, bag.Fee.Amount, bag.Fee.Currency));
        Assert.Equal(CheckInStatus.InProgress, view.Status);
        Assert.Empty(view.Payments);
        var again = (await checkIn.AddBagAsync(Tag(passenger, 1), Commands.By(passenger))).Ok();
        Assert.Equal(view.Version, again.Version);
    }

    [Fact]
    public async Task An_overweight_bag_waits_for_payment_and_a_succeeded_payment_resumes_exactly_once()
    {
        var (checkIn, passenger, _) = await StartedAsync();
        fixture.Scale.Set(Tag(passenger, 1), BagWeighing.Weighed(28.5m));

        var waiting = (await checkIn.AddBagAsync(Tag(passenger, 1), Commands.By(passenger))).Ok();

        Assert.Equal(CheckInStatus.WaitingForPayment, waiting.Status);
        var intent = waiting.Payment!;
        Assert.Equal((50.00m, "EUR", PaymentStatus.RequiresPayment), (intent.Amount.Amount, intent.Amount.Currency, intent.Status));
        Assert.Equal(intent.IntentId, waiting.Bags[0].PaymentIntentId);
        Assert.Equal([CheckInAction.Pay, CheckInAction.Cancel], waiting.AllowedActions);
        (await checkIn.CompleteAsync(Commands.By(passenger))).Refused(FailureCode.PaymentRequired);
        (await checkIn.AddBagAsync(Tag(passenger, 2), Commands.By(passenger))).Refused(FailureCode.PaymentRequired);

        var paid = new PaymentEvent("evt_1" + passenger, intent.IntentId, PaymentStatus.Succeeded, fixture.Time.GetUtcNow());
        var applied = await checkIn.ApplyPaymentEventAsync(paid, CommandContext.System("payment webhook"));
        var duplicate = await checkIn.ApplyPaymentEventAsync(paid, CommandContext.System("payment webhook"));
        var lateFailure = await checkIn.ApplyPaymentEventAsync(paid with { EventId = "evt_2" + passenger, Outcome = PaymentStatus.Failed }, CommandContext.System("payment webhook"));

        Assert.Equal(PaymentEventEffect.Applied, applied.Value!.Effect);
        Assert.Equal(CheckInStatus.InProgress, applied.Value.CheckIn.Status);
        Assert.Equal(PaymentEventEffect.Duplicate, duplicate.Value!.Effect);
        Assert.Equal(PaymentEventEffect.IntentAlreadyFinal, lateFailure.Value!.Effect);
        Assert.Equal(PaymentStatus.Succeeded, lateFailure.Value.CheckIn.Payment!.Status);
        var resumed = (await fixture.CheckInAuditLog.QueryAsync(GrainKeys.Split(checkIn.GetPrimaryKeyString()).FlightId, passenger, 100))
            .Where(e => e.From == CheckInStatus.WaitingForPayment && e.To == CheckInStatus.InProgress).ToList();
        Assert.Single(resumed);
        Assert.Equal("PAYMENT_SUCCEEDED", resumed[0].Action);

        var done = (await checkIn.CompleteAsync(Commands.By(passenger))).Ok();
        Assert.Equal('3', done.BoardingPass!.Bcbp[57]);
        Assert.Equal(1, done.BoardingPass.Bags);
    }

    [Fact]
    public async Task A_failed_payment_keeps_waiting_and_a_new_intent_can_be_paid()
    {
        var (checkIn, passenger, _) = await StartedAsync();
        fixture.Scale.Set(Tag(passenger, 1), BagWeighing.Weighed(30m));
        var first = (await checkIn.AddBagAsync(Tag(passenger, 1), Commands.By(passenger))).Ok().Payment!;

        var failed = await checkIn.ApplyPaymentEventAsync(new PaymentEvent("evt_f" + passenger, first.IntentId, PaymentStatus.Failed, fixture.Time.GetUtcNow()), CommandContext.System("payment webhook"));
        Assert.Equal(CheckInStatus.WaitingForPayment, failed.Value!.CheckIn.Status);
        Assert.Equal(PaymentStatus.Failed, failed.Value.CheckIn.Payment!.Status);

        var retried = (await checkIn.RetryPaymentAsync(Commands.By(passenger))).Ok();
        var second = retried.Payment!;
        Assert.NotEqual(first.IntentId, second.IntentId);
        Assert.Equal((PaymentStatus.RequiresPayment, 50.00m), (second.Status, second.Amount.Amount));
        Assert.Equal(second.IntentId, retried.Bags[0].PaymentIntentId);
        Assert.Equal(retried.Version, (await checkIn.RetryPaymentAsync(Commands.By(passenger))).Ok().Version);

        var paid = await checkIn.ApplyPaymentEventAsync(new PaymentEvent("evt_s" + passenger, second.IntentId, PaymentStatus.Succeeded, fixture.Time.GetUtcNow()), CommandContext.System("payment webhook"));
        Assert.Equal(CheckInStatus.InProgress, paid.Value!.CheckIn.Status);
        (await checkIn.RetryPaymentAsync(Commands.By(passenger))).Refused(FailureCode.PaymentNotRequired);
    }

    [Fact]
    public async Task Cancelling_voids_an_unpaid_intent_and_a_later_success_is_recorded_for_refund()
    {
        var (checkIn, passenger, _) = await StartedAsync();
        fixture.Scale.Set(Tag(passenger, 1), BagWeighing.Weighed(26m));
        var intent = (await checkIn.AddBagAsync(Tag(passenger, 1), Commands.By(passenger))).Ok().Payment!;

        var cancelled = (await checkIn.CancelAsync("changed plans", Commands.By(passenger))).Ok();
        Assert.Equal(PaymentStatus.Canceled, cancelled.Payment!.Status);
        Assert.Contains(intent.IntentId, fixture.Payments.Cancelled);

        var late = await checkIn.ApplyPaymentEventAsync(new PaymentEvent("evt_l" + passenger, intent.IntentId, PaymentStatus.Succeeded, fixture.Time.GetUtcNow()), CommandContext.System("payment webhook"));
        Assert.Equal(PaymentEventEffect.IntentAlreadyFinal, late.Value!.Effect);
        Assert.Equal(CheckInStatus.Cancelled, late.Value.CheckIn.Status);
    }

    [Fact]
    public async Task A_payment_that_succeeded_before_the_void_is_recorded_for_refund_not_applied()
    {
        var (checkIn, passenger, flight) = await StartedAsync();
        fixture.Scale.Set(Tag(passenger, 1), BagWeighing.Weighed(26m));
        var intent = (await checkIn.AddBagAsync(Tag(passenger, 1), Commands.By(passenger))).Ok().Payment!;
        fixture.Payments.Paid[intent.IntentId] = true;

        var cancelled = (await checkIn.CancelAsync("changed plans", Commands.By(passenger))).Ok();
        Assert.Equal(PaymentStatus.RequiresPayment, cancelled.Payment!.Status);

        var late = await checkIn.ApplyPaymentEventAsync(new PaymentEvent("evt_r" + passenger, intent.IntentId, PaymentStatus.Succeeded, fixture.Time.GetUtcNow()), CommandContext.System("payment webhook"));

        Assert.Equal(PaymentEventEffect.Applied, late.Value!.Effect);
        var view = late.Value.CheckIn;
        Assert.Equal(CheckInStatus.Cancelled, view.Status);
        Assert.Equal((PaymentStatus.Succeeded, true), (view.Payment!.Status, view.Payment.RefundDue));
        var last = (await fixture.CheckInAuditLog.QueryAsync(flight, passenger, 100))[^1];
        Assert.Equal(("PAYMENT_SUCCEEDED_AFTER_CANCEL", CheckInStatus.Cancelled, CheckInStatus.Cancelled), (last.Action, last.From, last.To));
        Assert.Contains("to refund", last.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bags_over_the_limit_weight_or_count_are_refused_and_change_nothing()
    {
        var (checkIn, passenger, _) = await StartedAsync();
        fixture.Scale.Set(Tag(passenger, 9), BagWeighing.Weighed(32.1m));

        var tooHeavy = await checkIn.AddBagAsync(Tag(passenger, 9), Commands.By(passenger));
        tooHeavy.Refused(FailureCode.BagTooHeavy);
        Assert.Equal("32.1", tooHeavy.Error!.Extensions!["weightKg"]);

        for (var i = 1; i <= 3; i++)
        {
            (await checkIn.AddBagAsync(Tag(passenger, i), Commands.By(passenger))).Ok();
        }
        (await checkIn.AddBagAsync(Tag(passenger, 4), Commands.By(passenger))).Refused(FailureCode.BagLimitReached);
        Assert.Equal(3, (await checkIn.GetAsync()).Ok().Bags.Count);
    }

    [Fact]
    public async Task When_the_weight_service_or_the_provider_is_down_nothing_changes()
    {
        var (checkIn, passenger, flight) = await StartedAsync();
        fixture.Scale.Set(Tag(passenger, 1), BagWeighing.NotAvailable(TimeSpan.FromSeconds(12)));
        fixture.Scale.Set(Tag(passenger, 2), BagWeighing.UnknownTag());
        fixture.Scale.Set(Tag(passenger, 3), BagWeighing.Weighed(27m));
        fixture.Payments.DownFor[GrainKeys.Compound(flight, passenger)] = true;
        var before = (await checkIn.GetAsync()).Ok().Version;

        var scaleDown = await checkIn.AddBagAsync(Tag(passenger, 1), Commands.By(passenger));
        scaleDown.Refused(FailureCode.WeightServiceUnavailable);
        Assert.Equal("12", scaleDown.Error!.Extensions!["retryAfter"]);
        (await checkIn.AddBagAsync(Tag(passenger, 2), Commands.By(passenger))).Refused(FailureCode.UnknownBagTag);
        (await checkIn.AddBagAsync(Tag(passenger, 3), Commands.By(passenger))).Refused(FailureCode.PaymentServiceUnavailable);

        var after = (await checkIn.GetAsync()).Ok();
        Assert.Equal((before, 0, CheckInStatus.InProgress), (after.Version, after.Bags.Count, after.Status));
    }

    private async Task<(ICheckInGrain CheckIn, string PassengerId, string FlightId)> StartedAsync()
    {
        var flightId = SampleLayouts.NewFlightId();
        var departure = fixture.Time.GetUtcNow().AddHours(5);
        Assert.True((await _grains.GetFlightGrain(flightId).CreateAsync(SampleLayouts.A320Flight(flightId) with { Departure = departure })).IsSuccess);
        var pnr = SampleLayouts.NewPnr();
        Assert.True((await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new("Kim", "Lee")], [flightId]))).IsSuccess);
        var passenger = $"{pnr}-1";
        var checkIn = _grains.GetCheckInGrain(flightId, passenger);
        (await checkIn.StartAsync(Commands.By(passenger))).Ok();
        return (checkIn, passenger, flightId);
    }

    private static string Tag(string passengerId, int n) => $"{passengerId.Replace("-", "", StringComparison.Ordinal)}{n}";
}
