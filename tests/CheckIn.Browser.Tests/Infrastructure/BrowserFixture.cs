using System.Diagnostics;
using Microsoft.Playwright;

namespace CheckIn.Browser.Tests.Infrastructure;

/// <summary>
/// One host on a real socket and one Debian Chromium for the whole browser suite (the tests run one after another:
/// the machine has two cores). Each test works on a flight and bookings of its own, in browser contexts of its own.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly Stopwatch _suite = new();

    public BrowserHost Host { get; } = new();

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public TestData Data { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _suite.Start();
        // Loaded machines (other builds and tests share the two cores) get a margin; no assertion here is a timing.
        Assertions.SetDefaultExpectTimeout(15_000);
        var started = Task.Run(Host.Start);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchAsync(Playwright);
        var baseAddress = await started;
        UiBuild.EnsureServed(Host);
        Data = new TestData(baseAddress);
        SuiteReport.Add($"host started at {baseAddress} in {_suite.Elapsed.TotalSeconds:F1} s (with the browser)");
    }

    /// <summary>Debian's Chromium with STACK.md's flags; a missing browser fails the suite with what to install.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Debian's Chromium at {ChromiumPath}: run `apt-get install -y chromium` (scripts/test.sh installs it).");
        }
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--disable-gpu", "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"],
        });
    }

    /// <summary>A fresh browser context (its own storage and cache) on <paramref name="host"/> at a viewport.</summary>
    public Task<IBrowserContext> NewContextAsync(Viewport viewport, BrowserHost? host = null) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (host ?? Host).BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = viewport.Width, Height = viewport.Height },
            IsMobile = viewport.IsPhone,
            HasTouch = viewport.IsPhone,
            Locale = "en-GB",
            TimezoneId = "Europe/London",
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        Playwright?.Dispose();
        await Host.DisposeAsync();
        SuiteReport.Add($"whole browser suite (host and browser start, every test, shutdown): {_suite.Elapsed.TotalSeconds:F1} s");
        SuiteReport.Write();
    }
}

/// <summary>The two viewports of the issue.</summary>
public sealed record Viewport(string Name, int Width, int Height, bool IsPhone)
{
    public static Viewport Phone { get; } = new("phone", 360, 740, true);

    public static Viewport Desktop { get; } = new("desktop", 1280, 800, false);
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
