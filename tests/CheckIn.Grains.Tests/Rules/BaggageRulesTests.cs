using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Grains.CheckIns;

namespace CheckIn.Grains.Tests.Rules;

public sealed class BaggageRulesTests
{
    private static readonly DateTimeOffset Departure = new(2031, 6, 1, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Departure.AddHours(-3);
    private static readonly BaggageOptions Baggage = new();

    [Theory]
    [InlineData("0.1", false, "0")]
    [InlineData("25", false, "0")]
    [InlineData("25.1", true, "50.00")]
    [InlineData("32", true, "50.00")]
    public void Up_to_25_kg_is_included_and_up_to_32_kg_pays_the_fee(string weight, bool overweight, string fee)
    {
        var bag = CheckInRules.AssessBag("T1", decimal.Parse(weight, System.Globalization.CultureInfo.InvariantCulture), Now, Baggage);

        Assert.True(bag.IsSuccess);
        Assert.Equal((overweight, decimal.Parse(fee, System.Globalization.CultureInfo.InvariantCulture), "EUR"), (bag.Value.Overweight, bag.Value.Fee.Amount, bag.Value.Fee.Currency));
    }

    [Fact]
    public void Over_32_kg_is_refused()
    {
        var bag = CheckInRules.AssessBag("T1", 32.01m, Now, Baggage);

        Assert.Equal(FailureCode.BagTooHeavy, bag.Error?.Code);
        Assert.Equal("bagTag", bag.Error!.Field);
    }

    [Fact]
    public void The_rules_follow_their_settings()
    {
        var custom = new BaggageOptions { IncludedKg = 20m, MaxKg = 23m, OverweightFee = 75.50m, Currency = "GBP" };

        var bag = CheckInRules.AssessBag("T1", 21m, Now, custom).Value!;

        Assert.Equal((true, 75.50m, "GBP"), (bag.Overweight, bag.Fee.Amount, bag.Fee.Currency));
        Assert.Equal(FailureCode.BagTooHeavy, CheckInRules.AssessBag("T1", 23.5m, Now, custom).Error?.Code);
    }

    [Theory]
    [InlineData(CheckInStatus.NotStarted, FailureCode.CheckinNotStarted)]
    [InlineData(CheckInStatus.Cancelled, FailureCode.CheckinCancelled)]
    [InlineData(CheckInStatus.Completed, FailureCode.CheckinCompleted)]
    [InlineData(CheckInStatus.WaitingForPayment, FailureCode.PaymentRequired)]
    public void Bags_are_added_only_while_in_progress(CheckInStatus status, FailureCode expected)
    {
        Assert.Equal(expected, CheckInRules.CanAddBag(status, 0, Now, Departure, new CheckInWindowOptions(), Baggage)?.Code);
        Assert.Null(CheckInRules.CanAddBag(CheckInStatus.InProgress, 2, Now, Departure, new CheckInWindowOptions(), Baggage));
    }

    [Fact]
    public void A_fourth_bag_and_a_bag_after_the_window_closed_are_refused()
    {
        Assert.Equal(FailureCode.BagLimitReached, CheckInRules.CanAddBag(CheckInStatus.InProgress, 3, Now, Departure, new CheckInWindowOptions(), Baggage)?.Code);
        Assert.Equal(FailureCode.CheckinClosed, CheckInRules.CanAddBag(CheckInStatus.InProgress, 0, Departure.AddMinutes(-30), Departure, new CheckInWindowOptions(), Baggage)?.Code);
    }

    [Fact]
    public void Unpaid_fees_are_the_overweight_bags_no_succeeded_intent_covers()
    {
        var at = Now;
        var euro = (decimal amount) => new Money(amount, "EUR");
        CheckedBag[] bags =
        [
            new("A", 20m, false, euro(0), null, at),
            new("B", 27m, true, euro(50m), "pi_paid", at),
            new("C", 30m, true, euro(50m), "pi_failed", at),
            new("D", 26m, true, euro(50m), null, at),
        ];
        PaymentIntent[] intents =
        [
            new("pi_paid", euro(50m), PaymentStatus.Succeeded, null, false, at, at),
            new("pi_failed", euro(50m), PaymentStatus.Failed, null, false, at, at),
        ];

        Assert.Equal(100m, CheckInRules.UnpaidFees(bags, intents));
    }

    [Theory]
    [InlineData(PaymentStatus.RequiresPayment, PaymentStatus.Succeeded, PaymentStatus.Succeeded)]
    [InlineData(PaymentStatus.RequiresPayment, PaymentStatus.Failed, PaymentStatus.Failed)]
    [InlineData(PaymentStatus.RequiresPayment, PaymentStatus.Canceled, PaymentStatus.Canceled)]
    [InlineData(PaymentStatus.Succeeded, PaymentStatus.Failed, null)]
    [InlineData(PaymentStatus.Failed, PaymentStatus.Succeeded, null)]
    [InlineData(PaymentStatus.Canceled, PaymentStatus.Succeeded, null)]
    [InlineData(PaymentStatus.Succeeded, PaymentStatus.Succeeded, null)]
    public void Terminal_payment_states_never_change(PaymentStatus current, PaymentStatus outcome, PaymentStatus? next)
    {
        Assert.Equal(next, CheckInRules.NextPaymentStatus(current, outcome));
    }
}
