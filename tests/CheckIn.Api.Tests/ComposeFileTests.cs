using CheckIn.Api.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace CheckIn.Api.Tests;

/// <summary>
/// docker-compose.yml cannot be run here (no Docker); its shape is checked instead, with merge keys resolved as
/// compose resolves them: the simulators are services of their own on the internal network, the hosts use them;
/// Prometheus and Grafana watch the hosts with deploy/'s files. (promtool checks and unit-tests the rules themselves:
/// scripts/prometheus-rules.sh; PrometheusTests in the durable tests runs every query against a real Prometheus.)
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

    [Fact]
    public void Prometheus_and_Grafana_watch_every_host_with_the_deploy_folder_and_publish_only_on_loopback()
    {
        var services = Map(Load("docker-compose.yml")["services"]);
        var prometheus = Map(services["prometheus"]);
        var grafana = Map(services["grafana"]);
        var hostNames = services.Keys.Cast<string>().Where(name => name.StartsWith("host", StringComparison.Ordinal)).ToList();
        Assert.Equal(["host1", "host2"], hostNames);

        foreach (var service in new[] { prometheus, grafana })
        {
            Assert.All(List(service["ports"]), port => Assert.StartsWith("127.0.0.1:", port, StringComparison.Ordinal));
            foreach (var volume in List(service["volumes"]).Where(v => v.StartsWith("./", StringComparison.Ordinal)))
            {
                var source = Path.Combine(Root, volume.Split(':')[0]);
                Assert.True(File.Exists(source) || Directory.Exists(source), $"{volume}: {source} does not exist");
            }
        }
        Assert.Contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", List(prometheus["volumes"]));
        Assert.Contains("./deploy/prometheus/rules:/etc/prometheus/rules:ro", List(prometheus["volumes"]));
        Assert.Contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro", List(grafana["volumes"]));
        Assert.Contains("./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro", List(grafana["volumes"]));

        // Prometheus scrapes each host on the port the host listens on, with the hosts' admin key as the password.
        var config = Map(Load("deploy/prometheus/prometheus.yml"));
        var job = List<Dictionary<object, object>>(config["scrape_configs"]).Single(j => (string)j["job_name"] == "orleans-checkin");
        Assert.Equal("/metrics", job["metrics_path"]);
        var targets = List<Dictionary<object, object>>(job["static_configs"]).SelectMany(c => List(c["targets"])).ToList();
        var expectedTargets = hostNames.Select(name =>
        {
            var host = Map(services[name]);
            var port = new Uri(((string)Map(host["environment"])["urls"]).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
            return $"{host["hostname"]}:{port}";
        });
        Assert.Equal(expectedTargets, targets);
        var passwordFile = (string)Map(job["basic_auth"])["password_file"];
        var startup = string.Join(" ", List(prometheus["command"]));
        Assert.Contains($"\"$$CHECKIN_ADMIN_KEY\" > {passwordFile}", startup, StringComparison.Ordinal);
        Assert.Contains(List(prometheus["tmpfs"]), mount => passwordFile.StartsWith(mount.Split(':')[0] + "/", StringComparison.Ordinal));
        Assert.All(hostNames, name => Assert.Equal(Map(Map(services[name])["environment"])["CheckIn__AdminKey"], Map(prometheus["environment"])["CHECKIN_ADMIN_KEY"]));
        Assert.Equal(["rules/*.yml"], List(config["rule_files"]));

        // Grafana reads that Prometheus, and loads the dashboards from where compose mounts them.
        var datasource = List<Dictionary<object, object>>(Map(Load("deploy/grafana/provisioning/datasources/prometheus.yml"))["datasources"]).Single();
        Assert.Equal("http://prometheus:9090", datasource["url"]);
        Assert.Contains("--web.listen-address=0.0.0.0:9090", startup, StringComparison.Ordinal);
        var provider = List<Dictionary<object, object>>(Map(Load("deploy/grafana/provisioning/dashboards/dashboards.yml"))["providers"]).Single();
        Assert.Equal("/var/lib/grafana/dashboards", Map(provider["options"])["path"]);
    }

    [Fact]
    public void Every_alert_has_a_severity_a_summary_and_a_runbook_section_in_the_README()
    {
        var anchors = File.ReadLines(Path.Combine(Root, "README.md"))
            .Where(line => line.StartsWith('#'))
            .Select(line => GitHubAnchor(line.TrimStart('#').Trim()))
            .ToHashSet(StringComparer.Ordinal);
        var alerts = List<Dictionary<object, object>>(Map(Load("deploy/prometheus/rules/checkin-alerts.yml"))["groups"])
            .SelectMany(g => List<Dictionary<object, object>>(g["rules"]))
            .ToList();

        Assert.Equal(
            ["CheckInAuditOutboxBacklogGrowing", "CheckInAuditOutboxBacklogHigh", "CheckInHigh5xxRatio", "CheckInHoldExpiryLagHigh", "CheckInHostDown", "CheckInNoHostUp", "CheckInSeatMapSlow", "CheckInWaitlistAssignmentSlow"],
            alerts.Select(a => (string)a["alert"]).Order(StringComparer.Ordinal));
        Assert.All(alerts, alert =>
        {
            var name = (string)alert["alert"];
            Assert.Contains((string)Map(alert["labels"])["severity"], new[] { "critical", "warning" });
            var annotations = Map(alert["annotations"]);
            Assert.False(string.IsNullOrWhiteSpace((string)annotations["summary"]), $"{name} has no summary");
            Assert.Equal($"README.md#{name.ToLowerInvariant()}", annotations["runbook_url"]);
            Assert.True(anchors.Contains(name.ToLowerInvariant()), $"README has no heading {name} for {name}'s runbook_url");
        });
    }

    [Fact]
    public void Every_dashboard_panel_queries_the_provisioned_Prometheus_with_a_PromQL_expression()
    {
        var uid = (string)List<Dictionary<object, object>>(Map(Load("deploy/grafana/provisioning/datasources/prometheus.yml"))["datasources"]).Single()["uid"];
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "deploy/grafana/dashboards/orleans-checkin.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();

        Assert.True(panels.Count >= 10, $"only {panels.Count} panels");
        Assert.All(panels, panel =>
        {
            var title = panel.GetProperty("title").GetString();
            Assert.Equal(uid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.True(targets.Count > 0, $"{title} has no query");
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), $"{title} has an empty query"));
        });
    }

    /// <summary>The fragment GitHub gives a README heading: lower case, spaces to dashes, punctuation dropped.</summary>
    private static string GitHubAnchor(string heading) =>
        new([.. heading.ToLowerInvariant().Replace(' ', '-').Where(c => char.IsLetterOrDigit(c) || c is '-' or '_')]);

    private static Dictionary<object, object> Load(string file)
    {
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Root, file)));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    private static Dictionary<object, object> Map(object node) => Assert.IsType<Dictionary<object, object>>(node);

    private static List<string> List(object node) => [.. Assert.IsType<List<object>>(node).Cast<string>()];

    private static List<T> List<T>(object node) => [.. Assert.IsType<List<object>>(node).Select(item => Assert.IsType<T>(item))];
}
