using System.Reflection;
using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Contracts.Common;
using CheckIn.Host.Api;

namespace CheckIn.Api.Tests;

/// <summary>
/// Keeps API-SPECIFICATION.yml and the served swagger.json saying the same thing: the same operations, the same
/// response status codes per operation, the same enums, and every problem code the host can produce.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiContractTests(ApiFixture fixture)
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private readonly ApiSpecification _spec = ApiSpecification.Current;

    [Fact]
    public void The_specification_is_openapi_3_0()
    {
        Assert.StartsWith("3.0.", ((YamlDotNet.RepresentationModel.YamlScalarNode)_spec.Root["openapi"]).Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_specification_documents_exactly_the_served_operations()
    {
        var served = await ServedOperationsAsync();

        var missing = served.Keys.Except(_spec.Operations.Keys).Select(Describe).ToList();
        var extra = _spec.Operations.Keys.Except(served.Keys).Select(Describe).ToList();

        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"Served but not in API-SPECIFICATION.yml: [{string.Join(", ", missing)}]. In API-SPECIFICATION.yml but not served: [{string.Join(", ", extra)}].");
    }

    [Fact]
    public async Task Every_operation_documents_the_same_status_codes_as_the_served_swagger()
    {
        var served = await ServedOperationsAsync();

        var differences = served.Keys.Intersect(_spec.Operations.Keys)
            .Select(op => (op, onlySpec: _spec.Operations[op].Except(served[op]).Order().ToList(), onlyServed: served[op].Except(_spec.Operations[op]).Order().ToList()))
            .Where(d => d.onlySpec.Count > 0 || d.onlyServed.Count > 0)
            .Select(d => $"{Describe(d.op)}: only in the specification [{string.Join(", ", d.onlySpec)}], only in swagger.json [{string.Join(", ", d.onlyServed)}]")
            .ToList();

        Assert.True(differences.Count == 0, "Status codes differ:\n" + string.Join("\n", differences));
    }

    [Fact]
    public async Task Paths_documented_outside_swagger_are_served_but_not_in_swagger()
    {
        var swagger = await ServedSwaggerAsync();
        var swaggerPaths = swagger.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(_spec.PathsNotInSwagger);
        foreach (var path in _spec.PathsNotInSwagger)
        {
            Assert.DoesNotContain(path, swaggerPaths);
            using var response = await fixture.Api.GetAsync(path);
            Assert.True((int)response.StatusCode == 200, $"{path} is documented but answered {(int)response.StatusCode}.");
        }
    }

    [Fact]
    public void The_error_code_list_is_exactly_what_the_host_can_produce()
    {
        var hostCodes = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Concat(Enum.GetValues<FailureCode>().Select(Problems.CodeOf))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(hostCodes.Order(), _spec.ErrorCodes.Order());
        Assert.Equal(_spec.ErrorCodes.Order(), _spec.DescribedErrorCodes.Order());
    }

    [Fact]
    public void Every_code_the_tests_observed_is_in_the_specification()
    {
        // ProblemAssert also checks each code the moment it sees it, so this holds whatever order tests run in.
        Assert.All(ProblemAssert.ObservedCodes, code => Assert.Contains(code, _spec.ErrorCodes));
    }

    [Theory]
    [InlineData("Cabin")]
    [InlineData("SeatStatus")]
    [InlineData("SeatCharacteristic")]
    [InlineData("SeatPreference")]
    [InlineData("WaitlistStatus")]
    [InlineData("AbuseRule")]
    [InlineData("IncidentDecision")]
    public async Task Enums_match_the_served_swagger(string schema)
    {
        var swagger = await ServedSwaggerAsync();
        var served = swagger.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).ToList();
        var documented = ((YamlDotNet.RepresentationModel.YamlSequenceNode)_spec.Root["components"]["schemas"][schema]["enum"])
            .Children.Select(n => ((YamlDotNet.RepresentationModel.YamlScalarNode)n).Value!).ToList();

        Assert.Equal(served, documented);
    }

    private async Task<JsonElement> ServedSwaggerAsync()
    {
        using var response = await fixture.Api.GetAsync("/swagger/v1/swagger.json");
        await CheckInApi.EnsureStatusAsync(response, 200);
        return await CheckInApi.ReadJsonAsync(response);
    }

    private async Task<Dictionary<(string Path, string Method), IReadOnlySet<string>>> ServedOperationsAsync()
    {
        var swagger = await ServedSwaggerAsync();
        var operations = new Dictionary<(string, string), IReadOnlySet<string>>();
        foreach (var path in swagger.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => HttpMethods.Contains(m.Name)))
            {
                operations[(path.Name, method.Name)] = method.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            }
        }
        return operations;
    }

    private static string Describe((string Path, string Method) operation) => $"{operation.Method.ToUpperInvariant()} {operation.Path}";
}
