using System.Globalization;
using System.Text;
using System.Text.Json;
using CheckIn.Host.Integrations;
using CheckIn.Payments;
using CheckIn.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CheckIn.Api.Tests;

/// <summary>
/// Every response carries the security headers, whoever wrote it; API answers get a CSP that runs nothing, the
/// pages that run their own scripts (Swagger UI, the dashboard) a CSP that only forbids framing. Problems never
/// carry a stack trace, a .NET type name or SQL.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HardeningHeadersTests(ApiFixture fixture)
{
    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";
    private const string FramingOnly = "frame-ancestors 'none'";

    private static readonly string[] InternalMarkers =
        [" at ", "System.", "CheckIn.", "Microsoft.", "Exception", "Int32", "String", "SELECT", "FROM", "42601", "Npgsql", "Nullable"];

    private readonly CheckInApi _api = fixture.Api;

    [Theory]
    [InlineData("/api/flights/SH101/seatmap", 200, ApiPolicy)]
    [InlineData("/api/flights/SH101/check-ins/ABC123-1", 401, ApiPolicy)]
    [InlineData("/api/flights/sh-101/seatmap", 400, ApiPolicy)]
    [InlineData("/api/no-such-thing", 404, ApiPolicy)]
    [InlineData("/health/live", 200, ApiPolicy)]
    [InlineData("/health/ready", 200, ApiPolicy)]
    [InlineData("/swagger/v1/swagger.json", 200, ApiPolicy)]
    [InlineData("/docs/index.html", 200, FramingOnly)]
    [InlineData("/dashboard/", 200, FramingOnly)]
    public async Task Every_kind_of_response_carries_the_security_headers(string path, int status, string policy)
    {
        using var response = await _api.Client.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        AssertSecurityHeaders(response, policy);
    }

    [Fact]
    public async Task Problems_for_bodies_admin_calls_and_methods_carry_the_security_headers_too()
    {
        using var malformed = await _api.PostRawAsync("/api/sessions", "{\"pnr\":");
        using var admin = await _api.AdminGetAsync("/api/admin/flights/SH101/events", adminKey: "wrong");
        using var method = await _api.Client.DeleteAsync("/api/sessions");

        foreach (var (response, status) in new[] { (malformed, 400), (admin, 401), (method, 405) })
        {
            Assert.Equal(status, (int)response.StatusCode);
            AssertSecurityHeaders(response, ApiPolicy);
        }
    }

    [Theory]
    [InlineData("""{"pnr":5,"lastName":"Smith"}""")]
    [InlineData("""{"pnr":"ABC123","lastName":["Smith"]}""")]
    [InlineData("""{"pnr":"ABC123","lastName":"Smith","x":1}""")]
    [InlineData("""{"pnr":"ABC123" "lastName":"Smith"}""")]
    [InlineData("""[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]""")]
    public async Task A_refused_body_is_described_without_type_names_or_stack_traces(string body)
    {
        using var response = await _api.PostRawAsync("/api/sessions", body);

        var problem = await ProblemAssert.IsProblemAsync(response, 400, "MALFORMED_REQUEST");
        AssertNothingInternal(problem);
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_is_described_without_type_names()
    {
        using var response = await _api.AdminGetAsync("/api/admin/flights/SH101/events?limit=many");

        var problem = await ProblemAssert.IsProblemAsync(response, 400, "MALFORMED_REQUEST");
        AssertNothingInternal(problem);
    }

    [Fact]
    public void A_signed_webhook_body_of_the_wrong_shape_is_described_without_type_names()
    {
        using var services = IntegrationContainer.Build(IntegrationContainer.Settings(new Uri("http://scale.test"), new Uri("http://pay.test")));
        var verifier = services.GetRequiredService<PaymentWebhookVerifier>();
        var body = Encoding.UTF8.GetBytes("""{"id":5,"type":"payment_intent.succeeded"}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var result = verifier.Verify(now.ToString(CultureInfo.InvariantCulture), WebhookSignature.Sign(IntegrationContainer.Secret, now, body), body);

        var malformed = Assert.IsType<PaymentWebhookVerification.Malformed>(result);
        Assert.Contains("'id'", malformed.Reason, StringComparison.Ordinal);
        foreach (var leak in InternalMarkers)
        {
            Assert.DoesNotContain(leak, malformed.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_bug_whose_exception_carries_sql_and_a_stack_answers_500_with_none_of_it()
    {
        var services = fixture.Server.Services;
        var handler = services.GetServices<IExceptionHandler>().Single();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "GET";
        context.Request.Path = "/api/flights/SH101/seatmap";
        using var body = new MemoryStream();
        context.Response.Body = body;
        Exception bug;
        try
        {
            throw new InvalidOperationException("SELECT payload FROM storage WHERE grainid = 'x'", new FormatException("syntax error at or near \"FROM\" (42601)"));
        }
        catch (InvalidOperationException thrown)
        {
            bug = thrown;
        }

        Assert.True(await handler.TryHandleAsync(context, bug, CancellationToken.None));

        Assert.Equal(500, context.Response.StatusCode);
        using var problem = JsonDocument.Parse(body.ToArray());
        Assert.Equal("INTERNAL_ERROR", problem.RootElement.GetProperty("code").GetString());
        AssertNothingInternal(problem.RootElement);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string policy)
    {
        var where = $"{response.RequestMessage?.RequestUri?.PathAndQuery} ({(int)response.StatusCode})";
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", where);
        Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frame) && frame.Single() == "DENY", where);
        Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer", where);
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), $"No CSP on {where}");
        Assert.Equal(policy, csp.Single());
    }

    /// <summary>Nothing a caller could learn the implementation from: stack frames, .NET type names, SQL.</summary>
    private static void AssertNothingInternal(JsonElement problem)
    {
        var text = problem.GetRawText();
        foreach (var leak in InternalMarkers)
        {
            Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
        }
    }
}
