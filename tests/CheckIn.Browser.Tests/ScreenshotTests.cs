using CheckIn.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CheckIn.Browser.Tests;

/// <summary>
/// The README's screenshots: sign-in, seat map with a hold, check-in with a bag and payment due, boarding pass, on
/// a desktop and a phone, from the demo bookings. <c>scripts/screenshots.sh</c> runs this test alone with
/// <see cref="FolderVariable"/> = docs/screenshots; without it the images go to a temp folder (and are checked).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture fixture, ITestOutputHelper log)
{
    public const string FolderVariable = "CHECKIN_SCREENSHOTS_DIR";

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // A hang (seen once under heavy load) fails this test instead of holding the whole run until CI times out.
    [Fact(Timeout = 300_000)]
    [Trait("Category", "Screenshots")]
    public async Task The_main_screens_are_captured_on_a_desktop_and_a_phone()
    {
        var chosen = Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } set ? Path.GetFullPath(set) : null;
        var folder = chosen ?? Path.Combine(Path.GetTempPath(), $"checkin-screenshots-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        // The demo flight SH101 is this test's alone in the suite: John Smith on the desktop, Alice Jones on the phone.
        await CaptureAsync(Viewport.Desktop, "ABC123", "Smith", "26C", "John Smith", folder);
        await CaptureAsync(Viewport.Phone, "XYZ789", "Jones", "28D", "Alice Jones", folder);

        string[] expected = ["signin", "seatmap-hold", "checkin-payment-due", "boarding-pass"];
        foreach (var name in expected.SelectMany(s => new[] { $"{s}-desktop.png", $"{s}-phone.png" }))
        {
            var path = Path.Combine(folder, name);
            Assert.True(File.Exists(path), $"{path} was not written");
            var bytes = await File.ReadAllBytesAsync(path);
            Assert.True(bytes.Length > 2_000 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature), $"{path} is not a real PNG ({bytes.Length} bytes)");
        }
        log.WriteLine($"Screenshots in {folder}");
        if (chosen is null)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task CaptureAsync(Viewport viewport, string pnr, string lastName, string seat, string name, string folder)
    {
        await using var context = await fixture.NewContextAsync(viewport);
        var page = await context.NewPageAsync();
        await page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.Reduce });
        async Task Shot(string screen, ILocator focus, string block = "start")
        {
            // The screen itself, not the toasts that its steps left.
            var dismiss = Ui.Toasts(page).GetByRole(AriaRole.Button, new() { Name = "Dismiss", Exact = true });
            while (await dismiss.CountAsync() > 0)
            {
                await dismiss.First.ClickAsync();
            }
            await focus.EvaluateAsync("(e, block) => e.scrollIntoView({ block })", block);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{screen}-{viewport.Name}.png"), Animations = ScreenshotAnimations.Disabled });
        }

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use demo booking", Exact = true }).ClickAsync();
        await page.GetByLabel("PNR", new() { Exact = true }).FillAsync(pnr);
        await page.GetByLabel("Last name", new() { Exact = true }).FillAsync(lastName);
        await Shot("signin", page.GetByRole(AriaRole.Heading, new() { Level = 1 }));
        await page.GetByRole(AriaRole.Button, new() { Name = "Find booking", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync($"Booking {pnr}");

        await Ui.Seat(page, seat).ClickAsync();
        await Ui.ExpectSeatStateAsync(page, seat, "held, yours");
        await Expect(Ui.YourSeat(page).GetByRole(AriaRole.Timer)).ToBeVisibleAsync();
        // Bottom-aligned: the held seat (a back row) above, its countdown and buttons below.
        await Shot("seatmap-hold", Ui.YourSeat(page), "end");

        await Ui.YourSeat(page).GetByRole(AriaRole.Button, new() { Name = $"Confirm seat {seat}", Exact = true }).ClickAsync();
        await Ui.ExpectSeatStateAsync(page, seat, "confirmed, yours");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start check-in", Exact = true }).ClickAsync();
        var bagTag = $"DEMO{Random.Shared.Next(10_000, 99_999)}";
        await fixture.Data.SetBagWeightAsync(bagTag, 28.5m);
        await page.GetByLabel("Bag tag", new() { Exact = true }).FillAsync(bagTag);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add bag", Exact = true }).ClickAsync();
        await Expect(page.GetByText("Payment due: EUR 50.00")).ToBeVisibleAsync();
        await Shot("checkin-payment-due", page.GetByRole(AriaRole.Heading, new() { Name = "Check-in", Exact = true }));

        var payment = await page.RunAndWaitForPopupAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Pay", Exact = true }).ClickAsync());
        await payment.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Pay ") }).ClickAsync();
        await payment.CloseAsync();
        var complete = page.GetByRole(AriaRole.Button, new() { Name = "Complete check-in", Exact = true });
        await complete.ClickAsync();
        var qr = page.GetByRole(AriaRole.Img, new() { Name = $"Boarding pass QR code for {name}", Exact = true });
        await Expect(qr).ToHaveJSPropertyAsync("complete", true);
        await Shot("boarding-pass", page.GetByRole(AriaRole.Heading, new() { Name = "Boarding pass", Exact = true }));
    }
}
