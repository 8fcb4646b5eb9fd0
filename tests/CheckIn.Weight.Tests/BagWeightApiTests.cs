using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Weight.Tests;

public sealed class BagWeightApiTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string?> Config(params (string Key, string Value)[] entries) =>
        entries.ToDictionary(e => $"WeightService:{e.Key}", e => (string?)e.Value);

    [Fact]
    public async Task Unknown_tag_gets_its_derived_weight_in_the_documented_shape()
    {
        await using var app = await WeightTestApp.StartAsync(time: new FakeTimeProvider(Start));

        var body = await Http.AssertOkJsonAsync(await app.Client.GetAsync("/api/bags/0123456789/weight"));

        Assert.Equal(["bagTag", "weightKg", "unit", "measuredAt"], Http.PropertyNames(body));
        Assert.Equal("0123456789", body.GetProperty("bagTag").GetString());
        Assert.Equal("19.2", body.GetProperty("weightKg").GetRawText());
        Assert.Equal("kg", body.GetProperty("unit").GetString());
        Assert.Equal(Start, body.GetProperty("measuredAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Tags_are_case_insensitive_and_answered_in_upper_case()
    {
        await using var app = await WeightTestApp.StartAsync();

        var lower = await Http.AssertOkJsonAsync(await app.Client.GetAsync("/api/bags/abc123/weight"));
        var upper = await Http.AssertOkJsonAsync(await app.Client.GetAsync("/api/bags/ABC123/weight"));

        Assert.Equal("ABC123", lower.GetProperty("bagTag").GetString());
        Assert.Equal(upper.GetProperty("weightKg").GetDecimal(), lower.GetProperty("weightKg").GetDecimal());
    }

    [Fact]
    public async Task Configured_weight_wins_over_the_derived_one_and_a_runtime_weight_wins_until_deleted()
    {
        await using var app = await WeightTestApp.StartAsync(Config(("Bags:heavy01", "28.5")));
        const string Url = "/api/bags/HEAVY01/weight";

        Assert.Equal(28.5m, (await Http.AssertOkJsonAsync(await app.Client.GetAsync(Url))).GetProperty("weightKg").GetDecimal());

        var put = await Http.AssertOkJsonAsync(await app.Client.PutAsync("/api/bags/heavy01/weight", Http.Json("""{ "weightKg": 31.2 }""")));
        Assert.Equal(["bagTag", "weightKg", "unit", "measuredAt"], Http.PropertyNames(put));
        Assert.Equal("HEAVY01", put.GetProperty("bagTag").GetString());
        Assert.Equal(31.2m, put.GetProperty("weightKg").GetDecimal());
        Assert.Equal(31.2m, (await Http.AssertOkJsonAsync(await app.Client.GetAsync(Url))).GetProperty("weightKg").GetDecimal());

        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.DeleteAsync(Url)).StatusCode);
        Assert.Equal(28.5m, (await Http.AssertOkJsonAsync(await app.Client.GetAsync(Url))).GetProperty("weightKg").GetDecimal());
    }

    [Fact]
    public async Task Whole_kilograms_are_sent_with_one_decimal_place()
    {
        await using var app = await WeightTestApp.StartAsync();

        var put = await Http.AssertOkJsonAsync(await app.Client.PutAsync("/api/bags/X1/weight", Http.Json("""{ "weightKg": 100 }""")));

        Assert.Equal("100.0", put.GetProperty("weightKg").GetRawText());
    }

    [Fact]
    public async Task With_unknown_tags_not_found_only_configured_and_runtime_weights_answer()
    {
        await using var app = await WeightTestApp.StartAsync(Config(("UnknownTags", "NotFound"), ("Bags:KNOWN1", "12.0")));

        await Http.AssertProblemAsync(await app.Client.GetAsync("/api/bags/0123456789/weight"), 404, "BAG_NOT_FOUND", "bagTag");
        await Http.AssertOkJsonAsync(await app.Client.GetAsync("/api/bags/known1/weight"));
        await Http.AssertOkJsonAsync(await app.Client.PutAsync("/api/bags/0123456789/weight", Http.Json("""{ "weightKg": 7.5 }""")));
        var weighed = await Http.AssertOkJsonAsync(await app.Client.GetAsync("/api/bags/0123456789/weight"));
        Assert.Equal(7.5m, weighed.GetProperty("weightKg").GetDecimal());
    }

    [Theory]
    [InlineData("bad-tag")]
    [InlineData("ABCDEFGHIJ01234567890")]
    [InlineData("AB%20CD")]
    [InlineData("%C3%84BC")]
    public async Task Invalid_tags_are_rejected_on_every_verb(string tag)
    {
        await using var app = await WeightTestApp.StartAsync();
        var url = $"/api/bags/{tag}/weight";

        await Http.AssertProblemAsync(await app.Client.GetAsync(url), 400, "INVALID_BAG_TAG", "bagTag");
        await Http.AssertProblemAsync(await app.Client.PutAsync(url, Http.Json("""{ "weightKg": 20.0 }""")), 400, "INVALID_BAG_TAG", "bagTag");
        await Http.AssertProblemAsync(await app.Client.DeleteAsync(url), 400, "INVALID_BAG_TAG", "bagTag");
    }

    [Theory]
    [InlineData("""{ "weightKg": 0 }""")]
    [InlineData("""{ "weightKg": -3.0 }""")]
    [InlineData("""{ "weightKg": 100.1 }""")]
    [InlineData("""{ "weightKg": 23.45 }""")]
    [InlineData("""{ "weightKg": "heavy" }""")]
    [InlineData("""{ }""")]
    [InlineData("""null""")]
    [InlineData("""not json""")]
    [InlineData("")]
    public async Task Invalid_weights_are_rejected_and_change_nothing(string body)
    {
        await using var app = await WeightTestApp.StartAsync();
        const string Url = "/api/bags/B1/weight";
        await Http.AssertOkJsonAsync(await app.Client.PutAsync(Url, Http.Json("""{ "weightKg": 22.2 }""")));

        await Http.AssertProblemAsync(await app.Client.PutAsync(Url, Http.Json(body)), 400, "INVALID_WEIGHT", "weightKg");

        var after = await Http.AssertOkJsonAsync(await app.Client.GetAsync(Url));
        Assert.Equal(22.2m, after.GetProperty("weightKg").GetDecimal());
    }

    [Fact]
    public async Task Health_reports_healthy()
    {
        await using var app = await WeightTestApp.StartAsync();

        var body = await Http.AssertOkJsonAsync(await app.Client.GetAsync("/health"));

        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }
}
