using CheckIn.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CheckIn.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PhoneTests(BrowserFixture fixture)
{
    [Fact]
    public async Task On_a_360_px_phone_the_passenger_signs_in_and_holds_a_seat_by_touch_without_sideways_scrolling()
    {
        var flightId = await fixture.Data.CreateFlightAsync();
        var booking = await fixture.Data.CreateBookingAsync(flightId, "Keller", "Anna");
        await using var context = await fixture.NewContextAsync(Viewport.Phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await ExpectNoSidewaysScrollAsync(page, "sign-in");
        await Ui.ExpectNoAxeViolationsAsync(page, "phone sign-in");

        await Ui.SignInAsync(page, booking);
        await Ui.Seat(page, "7F").TapAsync();

        await Ui.ExpectSeatAsync(page, "7F", "window, held, yours");
        await Expect(Ui.YourSeat(page).GetByRole(AriaRole.Timer)).ToBeVisibleAsync();
        await Expect(Ui.YourSeat(page).GetByRole(AriaRole.Button, new() { Name = "Confirm seat 7F", Exact = true })).ToBeVisibleAsync();
        await ExpectNoSidewaysScrollAsync(page, "seat map");
        await Ui.ExpectNoAxeViolationsAsync(page, "phone seat map with a hold");
    }

    private static async Task ExpectNoSidewaysScrollAsync(IPage page, string screen)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= Viewport.Phone.Width, $"the {screen} screen is {width} px wide on a {Viewport.Phone.Width} px phone");
    }
}
