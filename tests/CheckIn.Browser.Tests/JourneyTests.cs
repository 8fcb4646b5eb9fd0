using CheckIn.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CheckIn.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class JourneyTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_overweight_bag_is_paid_on_the_payment_page_the_check_in_resumes_by_itself_and_completes_with_a_boarding_pass()
    {
        var flightId = await fixture.Data.CreateFlightAsync();
        var booking = await fixture.Data.CreateBookingAsync(flightId, "Keller", "Anna");
        var bagTag = $"HEAVY{Random.Shared.Next(10_000, 99_999)}";
        await fixture.Data.SetBagWeightAsync(bagTag, 28.5m);
        await using var context = await fixture.NewContextAsync(Viewport.Desktop);
        var page = await context.NewPageAsync();
        await Ui.SignInAsync(page, booking);
        await HoldAndConfirmAsync(page, "4A");

        await page.GetByRole(AriaRole.Button, new() { Name = "Start check-in", Exact = true }).ClickAsync();
        await page.GetByLabel("Bag tag", new() { Exact = true }).FillAsync(bagTag);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add bag", Exact = true }).ClickAsync();

        await Expect(page.GetByText("Payment due: EUR 50.00")).ToBeVisibleAsync();
        await Expect(page.GetByText($"{bagTag}: 28.5 kg")).ToBeVisibleAsync();
        await Expect(StatusOf(page)).ToHaveTextAsync("Anna Keller: seat 4A, Waiting for payment");
        var pay = page.GetByRole(AriaRole.Link, new() { Name = "Pay", Exact = true });
        await Expect(pay).ToHaveAttributeAsync("target", "_blank");
        await Expect(pay).ToHaveAttributeAsync("rel", new System.Text.RegularExpressions.Regex(@"\bnoopener\b"));
        await Ui.ExpectNoAxeViolationsAsync(page, "check-in with payment due");

        var paymentPage = await page.RunAndWaitForPopupAsync(() => pay.ClickAsync());
        await paymentPage.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Pay ") }).ClickAsync();

        // No reload, no click: the page sees the webhook's effect by itself.
        await Expect(Ui.Toasts(page)).ToContainTextAsync("Payment received.");
        await Expect(StatusOf(page)).ToHaveTextAsync("Anna Keller: seat 4A, In progress");
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete check-in", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Boarding pass", Exact = true })).ToBeVisibleAsync();
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "Boarding pass QR code for Anna Keller", Exact = true });
        await Expect(qr).ToBeVisibleAsync();
        await Expect(qr).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the QR image did not load");
        await Expect(StatusOf(page)).ToHaveTextAsync("Anna Keller: seat 4A, Checked in");
        var main = page.GetByRole(AriaRole.Main);
        await Expect(main).ToContainTextAsync(flightId);
        await Expect(main).ToContainTextAsync("Anna Keller");
        await Ui.ExpectNoAxeViolationsAsync(page, "boarding pass");
    }

    [Fact]
    public async Task Cancelling_a_check_in_asks_first_and_then_frees_the_seat_for_everyone()
    {
        var flightId = await fixture.Data.CreateFlightAsync();
        var anna = await fixture.Data.CreateBookingAsync(flightId, "Keller", "Anna");
        var omar = await fixture.Data.CreateBookingAsync(flightId, "Haddad", "Omar");
        await using var first = await fixture.NewContextAsync(Viewport.Desktop);
        await using var second = await fixture.NewContextAsync(Viewport.Desktop);
        var page = await first.NewPageAsync();
        var other = await second.NewPageAsync();
        await Ui.SignInAsync(page, anna);
        await Ui.SignInAsync(other, omar);
        await HoldAndConfirmAsync(page, "5C");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start check-in", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete check-in", Exact = true }).ClickAsync();
        await Expect(StatusOf(page)).ToHaveTextAsync("Anna Keller: seat 5C, Checked in");
        await Ui.ExpectSeatAsync(other, "5C", "aisle, occupied");

        var cancel = page.GetByRole(AriaRole.Button, new() { Name = "Cancel check-in", Exact = true });
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Cancel check-in?", Exact = true });
        await cancel.ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Ui.ExpectNoAxeViolationsAsync(page, "cancel confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep check-in", Exact = true }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(StatusOf(page)).ToHaveTextAsync("Anna Keller: seat 5C, Checked in");

        await cancel.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel check-in", Exact = true }).ClickAsync();

        await Expect(StatusOf(page)).ToHaveTextAsync("Anna Keller: no seat, Cancelled");
        await Ui.ExpectSeatAsync(other, "5C", "aisle, available");
        await Ui.ExpectSeatAsync(page, "5C", "aisle, available");
        Assert.Equal("AVAILABLE", await fixture.Data.SeatStatusAsync(flightId, "5C"));
    }

    /// <summary>The status panel's line for the (only) passenger.</summary>
    private static ILocator StatusOf(IPage page) =>
        page.GetByRole(AriaRole.Region, new() { Name = "Check-in status", Exact = true }).GetByRole(AriaRole.Listitem);

    private static async Task HoldAndConfirmAsync(IPage page, string seat)
    {
        await Ui.Seat(page, seat).ClickAsync();
        await Ui.YourSeat(page).GetByRole(AriaRole.Button, new() { Name = $"Confirm seat {seat}", Exact = true }).ClickAsync();
        await Ui.ExpectSeatStateAsync(page, seat, "confirmed, yours");
    }
}
