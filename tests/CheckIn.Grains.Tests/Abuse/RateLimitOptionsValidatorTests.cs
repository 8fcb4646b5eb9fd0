using CheckIn.Grains.Abuse;

namespace CheckIn.Grains.Tests.Abuse;

public sealed class RateLimitOptionsValidatorTests
{
    private static readonly RateLimitOptionsValidator Validator = new();

    [Fact]
    public void Distinct_complete_api_keys_are_accepted()
    {
        var options = With(Key("partner-a", "a-secret-of-16-chars"), Key("partner.b", "b-secret-of-16-chars", seatMaps: 600));

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void A_repeated_name_or_key_is_refused_naming_the_setting_but_not_the_key()
    {
        var options = With(
            Key("partner", "same-secret-0123456"),
            Key("PARTNER", "other-secret-012345"),
            Key("third", "same-secret-0123456"));

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("CheckIn:RateLimiting:ApiKeys:1:Name repeats CheckIn:RateLimiting:ApiKeys:0:Name", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("CheckIn:RateLimiting:ApiKeys:2:Key repeats the key of CheckIn:RateLimiting:ApiKeys:0", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("same-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Incomplete_entries_are_refused()
    {
        var options = With(Key("", "a-secret-of-16-chars"), Key("has space", "short"), Key("ok", "a-secret-of-17-chars", seatMaps: 0));

        var failures = Validator.Validate(null, options).Failures!.ToList();

        Assert.Contains("CheckIn:RateLimiting:ApiKeys:0:Name must be 1-64 letters, digits, '.', '_' or '-'.", failures);
        Assert.Contains("CheckIn:RateLimiting:ApiKeys:1:Name must be 1-64 letters, digits, '.', '_' or '-'.", failures);
        Assert.Contains("CheckIn:RateLimiting:ApiKeys:1:Key must be at least 16 characters.", failures);
        Assert.Contains("CheckIn:RateLimiting:ApiKeys:2:SeatMapPerMinute must be at least 1 when set.", failures);
    }

    private static RateLimitOptions With(params ApiClientOptions[] keys) => new() { ApiKeys = [.. keys] };

    private static ApiClientOptions Key(string name, string key, int? seatMaps = null) =>
        new() { Name = name, Key = key, SeatMapPerMinute = seatMaps };
}
