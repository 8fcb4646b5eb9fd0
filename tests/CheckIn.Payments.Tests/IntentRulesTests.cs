using CheckIn.Payments;

namespace CheckIn.Payments.Tests;

public sealed class IntentRulesTests
{
    private static readonly DateTimeOffset Created = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Created.AddMinutes(3);

    // The enums are internal, so theories take their names.
    public static TheoryData<string, string> Actions => new()
    {
        { "Pay", "Succeeded" },
        { "Fail", "Failed" },
        { "Cancel", "Canceled" },
    };

    public static TheoryData<string, string> OtherTransitionsOnFinalIntents => new()
    {
        { "Succeeded", "Fail" },
        { "Succeeded", "Cancel" },
        { "Failed", "Pay" },
        { "Failed", "Cancel" },
        { "Canceled", "Pay" },
        { "Canceled", "Fail" },
    };

    [Theory]
    [MemberData(nameof(Actions))]
    public void An_intent_awaiting_payment_moves_to_the_target_state(string actionName, string targetName)
    {
        var (action, target) = (Enum.Parse<IntentAction>(actionName), Enum.Parse<IntentStatus>(targetName));
        var intent = Intent(IntentStatus.RequiresPayment);

        var transition = IntentRules.Apply(intent, action, Now);

        Assert.Equal(TransitionKind.Applied, transition.Kind);
        Assert.Equal(intent with { Status = target, UpdatedAt = Now }, transition.Intent);
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public void Repeating_the_transition_that_finalized_an_intent_changes_nothing(string actionName, string targetName)
    {
        var (action, target) = (Enum.Parse<IntentAction>(actionName), Enum.Parse<IntentStatus>(targetName));
        var intent = Intent(target);

        var transition = IntentRules.Apply(intent, action, Now);

        Assert.Equal(TransitionKind.Repeated, transition.Kind);
        Assert.Same(intent, transition.Intent);
    }

    [Theory]
    [MemberData(nameof(OtherTransitionsOnFinalIntents))]
    public void A_final_intent_never_changes_state(string finalName, string actionName)
    {
        var (final, action) = (Enum.Parse<IntentStatus>(finalName), Enum.Parse<IntentAction>(actionName));
        var intent = Intent(final);

        var transition = IntentRules.Apply(intent, action, Now);

        Assert.Equal(TransitionKind.AlreadyFinal, transition.Kind);
        Assert.Same(intent, transition.Intent);
        Assert.Equal(IntentRules.TargetOf(action), transition.Target);
    }

    [Theory]
    [InlineData("Succeeded", PaymentOutcome.Succeeded, "payment_intent.succeeded")]
    [InlineData("Failed", PaymentOutcome.Failed, "payment_intent.payment_failed")]
    [InlineData("Canceled", PaymentOutcome.Canceled, "payment_intent.canceled")]
    public void The_event_of_a_final_intent_carries_its_outcome(string statusName, PaymentOutcome outcome, string type)
    {
        var intent = Intent(Enum.Parse<IntentStatus>(statusName)) with { UpdatedAt = Now };

        var evt = IntentRules.EventFor(intent, "evt_1");

        Assert.Equal(new PaymentWebhookEvent("evt_1", type, intent.Id, outcome, 50.00m, "EUR", "SH101/ABC123-1", Now), evt);
    }

    [Fact]
    public void An_intent_awaiting_payment_has_no_event()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IntentRules.EventFor(Intent(IntentStatus.RequiresPayment), "evt_1"));
    }

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 1_000)]
    [InlineData(3, 2_000)]
    [InlineData(6, 16_000)]
    [InlineData(7, 30_000)]
    [InlineData(50, 30_000)]
    public void Backoff_doubles_from_half_a_second_up_to_30_seconds(int failedAttempt, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), DeliveryBackoff.After(failedAttempt));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("0", "0", true)]
    [InlineData("10", "300000", true)]
    [InlineData("11", null, false)]
    [InlineData("-1", null, false)]
    [InlineData("two", null, false)]
    [InlineData(null, "300001", false)]
    [InlineData(null, "1.5", false)]
    public void Delivery_controls_are_bounded(string? duplicates, string? delayMs, bool valid)
    {
        Assert.Equal(valid, DeliveryPlan.TryParse(duplicates, delayMs, out _, out _));
    }

    private static PaymentIntent Intent(IntentStatus status) =>
        new("pi_0123", status, 50.00m, "EUR", "SH101/ABC123-1", "Overweight bag", Created, Created);
}
