using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CheckIn.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CheckIn.Api.Tests;

/// <summary>
/// The passenger UI at <c>/</c> as the host serves it (the real build in src/CheckIn.Host/wwwroot, which the host's
/// own build produces): the page revalidated on every load under a CSP that runs no inline script, hashed assets
/// cached for a year, the API keeping its own policy, GET and HEAD only.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class WebUiTests(ApiFixture fixture)
{
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    private HttpClient Client => fixture.Api.Client;

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    public async Task The_page_is_the_built_ui_revalidated_on_every_load_under_a_csp_without_inline_script(string path)
    {
        using var response = await Client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(html == await File.ReadAllTextAsync(BuiltPage.IndexPath),
            $"{path} is not {BuiltPage.IndexPath} (is the UI built? `dotnet build src/CheckIn.Host` builds it when Node.js 20.19+ is on PATH):\n{html}");
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(PagePolicy, policy);
        var scriptSources = Directive(policy, "script-src");
        Assert.DoesNotContain("'unsafe-inline'", scriptSources);
        Assert.DoesNotContain("'unsafe-eval'", scriptSources);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));

        // Nothing in the page that needs 'unsafe-inline': every script is a file, no <style> element, no style or on* attribute.
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.True(s.Groups["attributes"].Value.Contains(" src=", StringComparison.Ordinal) && s.Groups["body"].Value.Trim().Length == 0,
            $"Inline script in the served page: {s.Value}"));
        Assert.DoesNotMatch(InlineStyleOrHandler(), html);
    }

    [Fact]
    public async Task The_page_is_not_an_api_operation()
    {
        using var page = await Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var document = JsonNode.Parse(await Client.GetStringAsync(ServedOpenApi.DocumentPath))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.DoesNotContain("/", paths);
        Assert.DoesNotContain("/index.html", paths);
        Assert.All(paths, p => Assert.StartsWith("/api/", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hashed_assets_are_immutable_for_a_year_and_not_id_checked_and_a_missing_one_is_a_404_problem()
    {
        var assets = BuiltPage.AssetPaths();
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));

        foreach (var asset in assets)
        {
            // A query with a malformed id is nobody's business but the API's.
            using var response = await Client.GetAsync($"{asset}?flightId=not-a-flight");

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}");
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
            Assert.Equal(await File.ReadAllBytesAsync(BuiltPage.FileOf(asset)), await response.Content.ReadAsByteArrayAsync());
            var expectedType = Path.GetExtension(asset) switch
            {
                ".js" => "text/javascript",
                ".css" => "text/css",
                _ => null,
            };
            Assert.Equal(expectedType ?? response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Content.Headers.ContentType);
        }

        // A name that is not (or no longer) built is the API's 404 problem, not something to keep for a year.
        using var missing = await Client.GetAsync("/assets/index-NoSuchHash.js");
        await ProblemAssert.IsProblemAsync(missing, 404, "NOT_FOUND");
        Assert.NotEqual("public, max-age=31536000, immutable", missing.Headers.CacheControl?.ToString());
        Assert.Equal(ApiPolicy, Assert.Single(missing.Headers.GetValues("Content-Security-Policy")));
    }

    [Theory]
    [InlineData("/api/flights/SH101/seatmap", 200)]
    [InlineData("/api/flights/sh-101/seatmap", 400)]
    [InlineData("/api/no-such-thing", 404)]
    [InlineData("/health/live", 200)]
    [InlineData("/swagger/v1/swagger.json", 200)]
    [InlineData("/no/such/page", 404)]
    [InlineData("/index.html/api", 404)]
    public async Task Api_responses_keep_the_api_policy_beside_the_page(string path, int status)
    {
        using var page = await Client.GetAsync("/");
        Assert.Equal(PagePolicy, Assert.Single(page.Headers.GetValues("Content-Security-Policy")));

        using var response = await Client.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(ApiPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.NotEqual("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Head_answers_the_headers_of_get_without_a_body()
    {
        var asset = BuiltPage.AssetPaths()[0];
        foreach (var path in new[] { "/", asset })
        {
            using var get = await Client.GetAsync(path);
            using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
            Assert.Equal(get.Headers.CacheControl, head.Headers.CacheControl);
            Assert.Equal(get.Headers.GetValues("Content-Security-Policy"), head.Headers.GetValues("Content-Security-Policy"));
        }
    }

    [Theory]
    [InlineData("POST", "/")]
    [InlineData("PUT", "/index.html")]
    [InlineData("DELETE", "/")]
    [InlineData("POST", "/assets/")]
    public async Task Other_methods_are_a_405_problem_naming_get_and_head(string method, string path)
    {
        var target = path.EndsWith('/') && path.Length > 1 ? path + Path.GetFileName(BuiltPage.AssetPaths()[0]) : path;
        using var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), target) { Content = new StringContent("{}") });

        await ProblemAssert.IsProblemAsync(response, 405, "METHOD_NOT_ALLOWED");
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal(ApiPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    private static IReadOnlyList<string> Directive(string policy, string name) =>
        [.. policy.Split(';', StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(d => d[0] == name)
            .Skip(1)];

    [GeneratedRegex(@"<script(?<attributes>[^>]*)>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"<style\b|\sstyle\s*=|\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyleOrHandler();
}

/// <summary>
/// A host process started from an output folder (<c>dotnet CheckIn.Host.dll</c>, content root = that folder, as the
/// durable tests and the benchmark start it) serves the same UI build: the build copies wwwroot along.
/// </summary>
public sealed class WebUiFromOutputFolderTests
{
    [Fact]
    public async Task A_host_started_from_its_output_folder_serves_the_current_ui_build()
    {
        var assets = BuiltPage.AssetPaths();
        using var host = EmbeddedHostProcess.Start();
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));

        using var page = await host.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(await page.Content.ReadAsStringAsync() == await File.ReadAllTextAsync(BuiltPage.IndexPath),
            $"The host in {AppContext.BaseDirectory} serves another page than {BuiltPage.IndexPath}.");
        foreach (var asset in assets)
        {
            using var file = await host.Http.GetAsync(new Uri(asset, UriKind.Relative));
            Assert.True(file.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)file.StatusCode} from the host in {AppContext.BaseDirectory}");
            Assert.Equal(await File.ReadAllBytesAsync(BuiltPage.FileOf(asset)), await file.Content.ReadAsByteArrayAsync());
        }
    }
}

/// <summary>The UI build the host serves: src/CheckIn.Host/wwwroot (the test host's content root is src/CheckIn.Host).</summary>
public static partial class BuiltPage
{
    public static string WebRoot { get; } =
        Path.Combine(Path.GetDirectoryName(ReadmeWalkthrough.ReadmePath())!, "src", "CheckIn.Host", "wwwroot");

    public static string IndexPath => Path.Combine(WebRoot, "index.html");

    /// <summary>The <c>/assets/*</c> files index.html loads (Vite's hashed names), read from the build itself.</summary>
    public static IReadOnlyList<string> AssetPaths()
    {
        Assert.True(File.Exists(IndexPath),
            $"No {IndexPath}: the UI is not built. `dotnet build src/CheckIn.Host` builds it when Node.js 20.19+ and npm are on PATH.");
        var assets = AssetReference().Matches(File.ReadAllText(IndexPath)).Select(m => m.Groups["path"].Value).Distinct().ToList();
        Assert.NotEmpty(assets);
        return assets;
    }

    public static string FileOf(string asset) => Path.Combine(WebRoot, asset.TrimStart('/').Replace('/', Path.DirectorySeparatorChar));

    [GeneratedRegex("""(?:src|href)="(?<path>/assets/[^"]+)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex AssetReference();
}

/// <summary>A host whose web root is an empty folder: what a machine without Node.js builds.</summary>
public sealed class UnbuiltUiHost : IAsyncLifetime
{
    private WebApplicationFactory<Program> _factory = null!;

    /// <summary>The host's web root: empty, unless a test puts a file there.</summary>
    public string WebRoot { get; } = Directory.CreateTempSubdirectory("checkin-no-ui-").FullName;

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        _factory = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            builder.UseWebRoot(WebRoot);
        });
        Client = _factory.CreateContractCheckedClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        Directory.Delete(WebRoot, recursive: true);
    }
}

/// <summary>Without a built UI the API works and <c>/</c> says, in one sentence, how to get the UI.</summary>
public sealed class WebUiNotBuiltTests(UnbuiltUiHost host) : IClassFixture<UnbuiltUiHost>
{
    [Fact]
    public async Task The_root_says_how_to_get_the_ui_and_the_api_still_answers()
    {
        using var page = await host.Client.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Install Node.js 20.19 or later and run <code>dotnet run --project src/CheckIn.Host</code> again; the API is at <a href=\"/docs\">/docs</a>.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.True(page.Headers.CacheControl?.NoStore, "The not-built page must not be cached: once the UI is built, the next load shows it.");
        Assert.Equal(WebUiTests.PagePolicy, Assert.Single(page.Headers.GetValues("Content-Security-Policy")));

        using var head = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var index = await host.Client.GetAsync("/index.html");
        await ProblemAssert.IsProblemAsync(index, 404, "NOT_FOUND");

        using var seatMap = await host.Client.GetAsync("/api/flights/SH101/seatmap");
        Assert.Equal(HttpStatusCode.OK, seatMap.StatusCode);
    }

    [Fact]
    public async Task A_file_under_api_in_the_web_root_is_never_served()
    {
        Directory.CreateDirectory(Path.Combine(host.WebRoot, "api"));
        await File.WriteAllTextAsync(Path.Combine(host.WebRoot, "api", "stray.json"), "{\"not\":\"an API answer\"}");

        using var response = await host.Client.GetAsync("/api/stray.json");

        await ProblemAssert.IsProblemAsync(response, 404, "NOT_FOUND");
    }
}

/// <summary>
/// The page and its assets are files, not API calls: a client may load them as often as it likes (reloads, many
/// tabs) without spending its API limits, and a blocked client still gets the page that explains the 429 it sees.
/// </summary>
[Collection(AbuseCollection.Name)]
public sealed class WebUiAbuseTests(AbuseFixture fixture)
{
    private const int Loads = 60;

    [Fact]
    public async Task Loading_the_page_spends_no_api_limit_and_a_blocked_client_still_gets_it()
    {
        var peer = new Peer(fixture.Api, "203.0.113.130");
        var asset = BuiltPage.AssetPaths()[0];

        // More loads within the burst window (5 s by the host's fake clock) than the 30 API reads that block a client.
        for (var i = 0; i < Loads; i++)
        {
            using var page = await peer.GetAsync("/");
            using var file = await peer.GetAsync(asset);
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (page.StatusCode, file.StatusCode));
        }
        using (var read = await peer.SeatMapAsync("SH101"))
        {
            await CheckInApi.EnsureStatusAsync(read, 200);
        }

        // Blocked on the API by a burst of reads, the page still loads.
        HttpStatusCode last;
        var reads = 1;
        do
        {
            using var read = await peer.SeatMapAsync("SH101");
            last = read.StatusCode;
            reads++;
        }
        while (last == HttpStatusCode.OK && reads <= 2 * Loads);
        Assert.Equal(HttpStatusCode.TooManyRequests, last);
        using var again = await peer.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var assetAgain = await peer.GetAsync(asset);
        Assert.Equal(HttpStatusCode.OK, assetAgain.StatusCode);
    }
}
