using System.Net;
using CheckIn.Payments.Tests.Support;

namespace CheckIn.Payments.Tests;

public sealed class WebhooksApiTests
{
    [Fact]
    public async Task Hold_and_release_report_what_they_did()
    {
        await using var sim = await Simulator.StartAsync();

        using var hold = await sim.Client.PostAsync("/api/webhooks/hold", null);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;
        await sim.TransitionAsync(id, "pay", "?duplicates=1");
        using var release = await sim.Client.PostAsync("/api/webhooks/release", null);

        Assert.Equal(HttpStatusCode.OK, hold.StatusCode);
        Assert.True((bool)(await Http.ReadJsonAsync(hold))["holding"]!);
        var released = await Http.ReadJsonAsync(release);
        Assert.Equal(2, (int?)released["released"]);
        Assert.Equal("fifo", (string?)released["order"]);
        Assert.False((bool)released["holding"]!);
    }

    [Fact]
    public async Task An_unknown_release_order_is_rejected_and_keeps_holding()
    {
        await using var sim = await Simulator.StartAsync();
        using (await sim.Client.PostAsync("/api/webhooks/hold", null)) { }
        var id = (string)(await sim.CreateIntentAsync())["id"]!;
        await sim.TransitionAsync(id, "pay");

        using var response = await sim.Client.PostAsync("/api/webhooks/release?order=random", null);

        await Http.AssertProblemAsync(response, 400, "INVALID_ORDER", "order");
        using var hold = await sim.Client.PostAsync("/api/webhooks/hold", null);
        Assert.Equal(1, (int?)(await Http.ReadJsonAsync(hold))["held"]);
    }

    [Fact]
    public async Task Redelivering_an_unknown_event_is_not_found()
    {
        await using var sim = await Simulator.StartAsync();

        using var response = await sim.Client.PostAsync("/api/events/evt_missing/redeliver", null);

        await Http.AssertProblemAsync(response, 404, "EVENT_NOT_FOUND", "eventId");
    }

    [Fact]
    public async Task Events_are_listed_in_the_wire_format()
    {
        await using var sim = await Simulator.StartAsync();
        using (await sim.Client.PostAsync("/api/webhooks/hold", null)) { }
        var id = (string)(await sim.CreateIntentAsync())["id"]!;
        await sim.TransitionAsync(id, "cancel");

        var evt = Assert.Single(await sim.EventsAsync())!;

        Assert.False((bool)evt["delivered"]!);
        Assert.Empty(evt["attempts"]!.AsArray());
        var body = evt["event"]!;
        Assert.Equal("payment_intent.canceled", (string?)body["type"]);
        Assert.Equal("CANCELED", (string?)body["outcome"]);
        Assert.Equal(id, (string?)body["intentId"]);
        Assert.Equal("EUR", (string?)body["currency"]);
        Assert.Equal("SH101/ABC123-1", (string?)body["reference"]);
        Assert.NotNull(body["occurredAt"]);
    }
}
