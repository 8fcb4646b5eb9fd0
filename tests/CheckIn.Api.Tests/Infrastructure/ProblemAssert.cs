using System.Collections.Concurrent;
using System.Text.Json;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>Asserts <c>application/problem+json</c> answers, and checks every observed code against the specification.</summary>
public static class ProblemAssert
{
    private static readonly ConcurrentDictionary<string, byte> Observed = new(StringComparer.Ordinal);

    /// <summary>Every problem <c>code</c> any test has seen so far in this run.</summary>
    public static IReadOnlyCollection<string> ObservedCodes => [.. Observed.Keys];

    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, int status, string code, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        var where = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}: {text}";
        Assert.True((int)response.StatusCode == status, $"Expected {status} {code}. {where}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"Expected application/problem+json. {where}");

        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        var actualCode = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        if (actualCode is not null)
        {
            Observed.TryAdd(actualCode, 0);
            Assert.True(ApiSpecification.Current.ErrorCodes.Contains(actualCode), $"The API answered code {actualCode}, which API-SPECIFICATION.yml does not list. {where}");
        }
        Assert.True(code == actualCode, $"Expected code {code}. {where}");
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), where);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("type").GetString()), where);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("traceId").GetString()), where);
        if (field is not null)
        {
            var actualField = problem.TryGetProperty("field", out var f) ? f.GetString() : null;
            Assert.True(field == actualField, $"Expected field {field}. {where}");
        }
        return problem;
    }
}
