using CheckIn.Api.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace CheckIn.Api.Tests;

/// <summary>
/// docker-compose.yml cannot be run here (no Docker); its shape is checked instead, with merge keys resolved as
/// compose resolves them: the simulators are services of their own on the internal network, the hosts use them.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string Root = Path.GetDirectoryName(ReadmeWalkthrough.ReadmePath())!;

    [Fact]
    public void The_simulators_run_as_unpublished_services_that_the_hosts_call_and_that_deliver_to_a_host()
    {
        var services = Map(Load("docker-compose.yml")["services"]);
        var weight = Map(services["weight"]);
        var payments = Map(services["payments"]);
        var hosts = new[] { Map(services["host1"]), Map(services["host2"]) };

        Assert.All(new[] { weight, payments }, simulator => Assert.False(simulator.ContainsKey("ports"), "A simulator publishes a port."));
        Assert.Equal(["dotnet", "CheckIn.Weight.dll"], List(weight["entrypoint"]));
        Assert.Equal(["dotnet", "CheckIn.Payments.dll"], List(payments["entrypoint"]));
        Assert.Equal(("/app/weight", "/app/payments"), ((string)weight["working_dir"], (string)payments["working_dir"]));
        var simulator = Map(payments["environment"]);
        foreach (var host in hosts)
        {
            var environment = Map(host["environment"]);
            Assert.Equal("http://weight:8080", environment["CheckIn__Weight__BaseUrl"]);
            Assert.Equal("http://payments:8080", environment["CheckIn__Payments__BaseUrl"]);
            Assert.False(environment.ContainsKey("CheckIn__Simulators__Enabled"));
            Assert.Equal(environment["CheckIn__Payments__WebhookSecret"], simulator["PaymentSimulator__WebhookSecret"]);
            Assert.Contains("weight", Map(host["depends_on"]).Keys);
        }
        Assert.Equal("http://host1:8080/api/payments/webhook", simulator["PaymentSimulator__WebhookUrl"]);
        Assert.Equal("http://0.0.0.0:8080", Map(weight["environment"])["urls"]);
        Assert.Equal("http://0.0.0.0:8080", simulator["urls"]);
    }

    [Fact]
    public void The_image_holds_all_three_programs_where_compose_starts_them()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

        Assert.Contains("dotnet publish src/CheckIn.Weight/CheckIn.Weight.csproj -c Release -o /app/weight", dockerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/CheckIn.Payments/CheckIn.Payments.csproj -c Release -o /app/payments", dockerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/CheckIn.Host/CheckIn.Host.csproj -c Release -o /app/host", dockerfile, StringComparison.Ordinal);
        var demo = Map(Load("docker-compose.demo.yml")["services"]);
        Assert.Equal(["127.0.0.1:5091:8080"], List(Map(demo["payments"])["ports"]));
    }

    private static Dictionary<object, object> Load(string file)
    {
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Root, file)));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    private static Dictionary<object, object> Map(object node) => Assert.IsType<Dictionary<object, object>>(node);

    private static List<string> List(object node) => [.. Assert.IsType<List<object>>(node).Cast<string>()];
}
