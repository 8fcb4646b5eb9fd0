using System.Globalization;

namespace CheckIn.Weight.Tests;

public sealed class WeightRulesTests
{
    [Theory]
    [InlineData("0123456789", "19.2")]
    [InlineData("HEAVY01", "8.8")]
    [InlineData("A", "15.5")]
    public void Derived_weight_is_pinned_per_tag_so_it_is_the_same_on_every_run(string tag, string expected)
    {
        Assert.Equal(expected, WeightRules.DerivedKg(tag).ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Derived_weights_cover_the_range_in_tenths_of_a_kilogram()
    {
        var weights = Enumerable.Range(0, 5000).Select(i => WeightRules.DerivedKg($"BAG{i}")).ToList();

        Assert.All(weights, kg =>
        {
            Assert.InRange(kg, 5.0m, 30.0m);
            Assert.Equal(decimal.Round(kg, 1), kg);
        });
        Assert.True(weights.Distinct().Count() > 200, "derived weights should spread over the range");
    }

    [Theory]
    [InlineData("0.1", "0.1")]
    [InlineData("23", "23.0")]
    [InlineData("31.20", "31.2")]
    [InlineData("100", "100.0")]
    public void Accepted_weights_have_exactly_one_decimal_place(string input, string expected)
    {
        Assert.True(WeightRules.TryAccept(decimal.Parse(input, CultureInfo.InvariantCulture), out var accepted, out var reason));
        Assert.Equal(expected, accepted.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("100.1")]
    [InlineData("31.25")]
    [InlineData("0.05")]
    public void Weights_outside_the_range_or_finer_than_the_scale_are_rejected(string input)
    {
        Assert.False(WeightRules.TryAccept(decimal.Parse(input, CultureInfo.InvariantCulture), out _, out var reason));
        Assert.StartsWith("must ", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0.0, 500, null)]
    [InlineData(60000, 1.0, 599, null)]
    [InlineData(-1, 0.0, 503, "latencyMs")]
    [InlineData(60001, 0.0, 503, "latencyMs")]
    [InlineData(0, -0.01, 503, "failureRate")]
    [InlineData(0, 1.01, 503, "failureRate")]
    [InlineData(0, double.NaN, 503, "failureRate")]
    [InlineData(0, 0.5, 499, "failureStatusCode")]
    [InlineData(0, 0.5, 600, "failureStatusCode")]
    public void Fault_settings_name_the_first_invalid_field(int latencyMs, double failureRate, int status, string? field)
    {
        Assert.Equal(field, FaultSettings.Check(latencyMs, failureRate, status)?.Field);
    }
}
