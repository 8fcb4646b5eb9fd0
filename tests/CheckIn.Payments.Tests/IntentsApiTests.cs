using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CheckIn.Payments.Tests.Support;

namespace CheckIn.Payments.Tests;

public sealed class IntentsApiTests
{
    [Fact]
    public async Task Creating_an_intent_returns_it_with_a_location_and_a_pay_link()
    {
        await using var sim = await Simulator.StartAsync();

        using var response = await sim.Client.PostAsync("/api/intents", Http.Json(
            """{ "amount": 50, "currency": "EUR", "reference": "SH101/ABC123-1", "description": "Overweight bag 0123456789" }"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        var intent = JsonNode.Parse(raw)!;
        var id = (string)intent["id"]!;
        Assert.Matches("^pi_[0-9a-f]{32}$", id);
        Assert.Equal($"/api/intents/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("REQUIRES_PAYMENT", (string?)intent["status"]);
        Assert.Contains("\"amount\":50.00,", raw, StringComparison.Ordinal); // normalized to two decimals
        Assert.Equal("EUR", (string?)intent["currency"]);
        Assert.Equal("SH101/ABC123-1", (string?)intent["reference"]);
        Assert.Equal("Overweight bag 0123456789", (string?)intent["description"]);
        Assert.Equal($"/pay/{id}", (string?)intent["payUrl"]);
        Assert.Equal((string?)intent["createdAt"], (string?)intent["updatedAt"]);

        var fetched = await Http.GetJsonAsync(sim.Client, $"/api/intents/{id}");
        Assert.True(JsonNode.DeepEquals(intent, fetched));
    }

    [Theory]
    [InlineData("0.01")]
    [InlineData("100000")]
    [InlineData("12.30")]
    public async Task Amounts_at_the_limits_are_accepted(string amount)
    {
        await using var sim = await Simulator.StartAsync();

        using var response = await sim.Client.PostAsync("/api/intents", Http.Json($$"""{ "amount": {{amount}}, "currency": "EUR", "reference": "R" }"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), (decimal)(await Http.ReadJsonAsync(response))["amount"]!);
    }

    [Theory]
    [InlineData("""{ "currency": "EUR", "reference": "R" }""", "INVALID_AMOUNT", "amount")]
    [InlineData("""{ "amount": 0, "currency": "EUR", "reference": "R" }""", "INVALID_AMOUNT", "amount")]
    [InlineData("""{ "amount": -5, "currency": "EUR", "reference": "R" }""", "INVALID_AMOUNT", "amount")]
    [InlineData("""{ "amount": 100000.01, "currency": "EUR", "reference": "R" }""", "INVALID_AMOUNT", "amount")]
    [InlineData("""{ "amount": 1.234, "currency": "EUR", "reference": "R" }""", "INVALID_AMOUNT", "amount")]
    [InlineData("""{ "amount": "50.00", "currency": "EUR", "reference": "R" }""", "INVALID_AMOUNT", "amount")]
    [InlineData("""{ "amount": 50, "reference": "R" }""", "INVALID_CURRENCY", "currency")]
    [InlineData("""{ "amount": 50, "currency": "eur", "reference": "R" }""", "INVALID_CURRENCY", "currency")]
    [InlineData("""{ "amount": 50, "currency": "EURO", "reference": "R" }""", "INVALID_CURRENCY", "currency")]
    [InlineData("""{ "amount": 50, "currency": 978, "reference": "R" }""", "INVALID_CURRENCY", "currency")]
    [InlineData("""{ "amount": 50, "currency": "EUR" }""", "INVALID_REFERENCE", "reference")]
    [InlineData("""{ "amount": 50, "currency": "EUR", "reference": "" }""", "INVALID_REFERENCE", "reference")]
    [InlineData("""{ "amount": 50, "currency": "EUR", "reference": "   " }""", "INVALID_REFERENCE", "reference")]
    [InlineData("not json", "INVALID_BODY", "body")]
    [InlineData("", "INVALID_BODY", "body")]
    [InlineData("null", "INVALID_BODY", "body")]
    [InlineData("[1, 2]", "INVALID_BODY", "body")]
    public async Task An_invalid_request_is_rejected_naming_the_field_and_creates_nothing(string body, string code, string field)
    {
        await using var sim = await Simulator.StartAsync();

        using var response = await sim.Client.PostAsync("/api/intents", Http.Json(body));

        await Http.AssertProblemAsync(response, 400, code, field);
        Assert.Empty((await Http.GetJsonAsync(sim.Client, "/api/intents")).AsArray());
    }

    [Theory]
    [InlineData(101, 0, "INVALID_REFERENCE", "reference")]
    [InlineData(100, 501, "INVALID_DESCRIPTION", "description")]
    public async Task Overlong_texts_are_rejected(int referenceLength, int descriptionLength, string code, string field)
    {
        await using var sim = await Simulator.StartAsync();
        var body = new { amount = 50m, currency = "EUR", reference = new string('R', referenceLength), description = new string('d', descriptionLength) };

        using var response = await sim.Client.PostAsJsonAsync("/api/intents", body);

        await Http.AssertProblemAsync(response, 400, code, field);
        Assert.Empty((await Http.GetJsonAsync(sim.Client, "/api/intents")).AsArray());
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_return_the_same_intent()
    {
        await using var sim = await Simulator.StartAsync();

        using var first = await PostWithKeyAsync(sim, "key-1", Simulator.Body());
        using var again = await PostWithKeyAsync(sim, "key-1", Simulator.Body());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((string?)(await Http.ReadJsonAsync(first))["id"], (string?)(await Http.ReadJsonAsync(again))["id"]);
        Assert.Single((await Http.GetJsonAsync(sim.Client, "/api/intents")).AsArray());
    }

    [Fact]
    public async Task A_replay_after_payment_returns_the_intent_as_it_is_now()
    {
        await using var sim = await Simulator.StartAsync();
        using var first = await PostWithKeyAsync(sim, "key-1", Simulator.Body());
        var id = (string)(await Http.ReadJsonAsync(first))["id"]!;
        await sim.TransitionAsync(id, "pay");

        using var again = await PostWithKeyAsync(sim, "key-1", Simulator.Body());

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("SUCCEEDED", (string?)(await Http.ReadJsonAsync(again))["status"]);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_refused()
    {
        await using var sim = await Simulator.StartAsync();
        using var first = await PostWithKeyAsync(sim, "key-1", Simulator.Body(amount: 50m));

        using var reused = await PostWithKeyAsync(sim, "key-1", Simulator.Body(amount: 75m));

        await Http.AssertProblemAsync(reused, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key");
        var all = (await Http.GetJsonAsync(sim.Client, "/api/intents")).AsArray();
        Assert.Equal(50.00m, (decimal)Assert.Single(all)!["amount"]!);
    }

    [Fact]
    public async Task Different_idempotency_keys_create_different_intents()
    {
        await using var sim = await Simulator.StartAsync();

        using var first = await PostWithKeyAsync(sim, "key-1", Simulator.Body());
        using var second = await PostWithKeyAsync(sim, "key-2", Simulator.Body());

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(2, (await Http.GetJsonAsync(sim.Client, "/api/intents")).AsArray().Count);
    }

    [Fact]
    public async Task An_overlong_idempotency_key_is_rejected()
    {
        await using var sim = await Simulator.StartAsync();

        using var response = await PostWithKeyAsync(sim, new string('k', 256), Simulator.Body());

        await Http.AssertProblemAsync(response, 400, "INVALID_IDEMPOTENCY_KEY", "Idempotency-Key");
        Assert.Empty((await Http.GetJsonAsync(sim.Client, "/api/intents")).AsArray());
    }

    [Fact]
    public async Task An_unknown_intent_is_not_found()
    {
        await using var sim = await Simulator.StartAsync();

        using var response = await sim.Client.GetAsync("/api/intents/pi_missing");

        await Http.AssertProblemAsync(response, 404, "INTENT_NOT_FOUND", "id");
    }

    [Fact]
    public async Task Intents_can_be_listed_by_reference()
    {
        await using var sim = await Simulator.StartAsync();
        var a = await sim.CreateIntentAsync("SH101/AAA111-1");
        await sim.CreateIntentAsync("SH101/BBB222-1");
        var c = await sim.CreateIntentAsync("SH101/AAA111-1");

        var listed = (await Http.GetJsonAsync(sim.Client, "/api/intents?reference=SH101%2FAAA111-1")).AsArray();

        Assert.Equal(new[] { (string)a["id"]!, (string)c["id"]! }.Order(), listed.Select(i => (string)i!["id"]!).Order());
        Assert.Equal(3, (await Http.GetJsonAsync(sim.Client, "/api/intents")).AsArray().Count);
    }

    [Theory]
    [InlineData("pay", "SUCCEEDED", "payment_intent.succeeded")]
    [InlineData("fail", "FAILED", "payment_intent.payment_failed")]
    [InlineData("cancel", "CANCELED", "payment_intent.canceled")]
    public async Task A_transition_finalizes_the_intent_and_emits_one_event(string action, string status, string type)
    {
        await using var sim = await Simulator.StartAsync();
        var id = (string)(await sim.CreateIntentAsync())["id"]!;

        var changed = await sim.TransitionAsync(id, action);
        var repeated = await sim.TransitionAsync(id, action);

        Assert.Equal(status, (string?)changed["status"]);
        Assert.True(JsonNode.DeepEquals(changed, repeated));
        var evt = Assert.Single(await sim.EventsAsync())!["event"]!;
        Assert.Matches("^evt_[0-9a-f]{32}$", (string)evt["id"]!);
        Assert.Equal(type, (string?)evt["type"]);
        Assert.Equal(id, (string?)evt["intentId"]);
        Assert.Equal(status, (string?)evt["outcome"]);
    }

    [Theory]
    [InlineData("pay", "fail")]
    [InlineData("pay", "cancel")]
    [InlineData("fail", "pay")]
    [InlineData("cancel", "pay")]
    public async Task A_final_intent_refuses_another_transition(string first, string second)
    {
        await using var sim = await Simulator.StartAsync();
        var id = (string)(await sim.CreateIntentAsync())["id"]!;
        var final = await sim.TransitionAsync(id, first);

        using var response = await sim.Client.PostAsync($"/api/intents/{id}/{second}", null);

        await Http.AssertProblemAsync(response, 409, "INTENT_ALREADY_FINAL", "status");
        Assert.True(JsonNode.DeepEquals(final, await Http.GetJsonAsync(sim.Client, $"/api/intents/{id}")));
        Assert.Single(await sim.EventsAsync());
    }

    [Theory]
    [InlineData("pay")]
    [InlineData("fail")]
    [InlineData("cancel")]
    public async Task Transitions_on_an_unknown_intent_are_not_found(string action)
    {
        await using var sim = await Simulator.StartAsync();

        using var response = await sim.Client.PostAsync($"/api/intents/pi_missing/{action}", null);

        await Http.AssertProblemAsync(response, 404, "INTENT_NOT_FOUND", "id");
    }

    [Theory]
    [InlineData("?duplicates=11", "INVALID_DUPLICATES", "duplicates")]
    [InlineData("?duplicates=-1", "INVALID_DUPLICATES", "duplicates")]
    [InlineData("?duplicates=two", "INVALID_DUPLICATES", "duplicates")]
    [InlineData("?delayMs=300001", "INVALID_DELAY", "delayMs")]
    [InlineData("?delayMs=soon", "INVALID_DELAY", "delayMs")]
    public async Task Invalid_delivery_controls_are_rejected_and_change_nothing(string query, string code, string field)
    {
        await using var sim = await Simulator.StartAsync();
        var id = (string)(await sim.CreateIntentAsync())["id"]!;

        using var response = await sim.Client.PostAsync($"/api/intents/{id}/pay{query}", null);

        await Http.AssertProblemAsync(response, 400, code, field);
        Assert.Equal("REQUIRES_PAYMENT", (string?)(await Http.GetJsonAsync(sim.Client, $"/api/intents/{id}"))["status"]);
        Assert.Empty(await sim.EventsAsync());
    }

    [Fact]
    public async Task Health_answers()
    {
        await using var sim = await Simulator.StartAsync();

        Assert.Equal("Healthy", (string?)(await Http.GetJsonAsync(sim.Client, "/health"))["status"]);
    }

    private static async Task<HttpResponseMessage> PostWithKeyAsync(Simulator sim, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/intents") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await sim.Client.SendAsync(request);
    }
}
