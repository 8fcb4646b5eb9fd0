using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using YamlDotNet.Serialization;

namespace CheckIn.Durable.Tests.Infrastructure;

/// <summary>
/// The real <c>prometheus</c> binary (Debian package <c>prometheus</c>; <c>CHECKIN_TEST_PROMETHEUS</c> names it,
/// scripts/test.sh installs it) on a loopback port with its own data folder, configured from deploy/prometheus:
/// the <c>orleans-checkin</c> job as deployed (path, Basic credential from a file), pointed at the test's hosts,
/// every rule file of deploy/prometheus/rules, scraping and evaluating every second. A missing binary fails the test.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    public const string BinaryVariable = "CHECKIN_TEST_PROMETHEUS";
    private const string DefaultBinary = "/usr/bin/prometheus";
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private PrometheusServer(string binary, string directory, int port)
    {
        _directory = directory;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add($"--config.file={Path.Combine(directory, "prometheus.yml")}");
        start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        start.ArgumentList.Add("--log.level=warn");
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The repository's deploy/prometheus folder (found above the test assembly).</summary>
    public static string DeployDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var deploy = Path.Combine(dir.FullName, "deploy", "prometheus");
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.CheckIn.sln")) && Directory.Exists(deploy))
            {
                return deploy;
            }
        }
        throw new InvalidOperationException($"No deploy/prometheus above {AppContext.BaseDirectory}.");
    }

    /// <summary>Starts Prometheus scraping <paramref name="hosts"/> with the admin key; returns once it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(IEnumerable<HostProcess> hosts, string adminKey)
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } named ? named : DefaultBinary;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"The prometheus binary is not at {binary} ({BinaryVariable}): `apt-get install prometheus` (scripts/test.sh does).");
        }
        var directory = Directory.CreateTempSubdirectory("checkin-prometheus-").FullName;
        var passwordFile = Path.Combine(directory, "admin-key");
        await File.WriteAllTextAsync(passwordFile, adminKey);
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), TestConfiguration(hosts.Select(h => h.Settings.BaseAddress), passwordFile));
        var server = new PrometheusServer(binary, directory, FreePorts.Next());
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>
    /// deploy/prometheus/prometheus.yml with what a test must change: the hosts' addresses, the password file, the
    /// rule files' absolute paths, 1 s scrape and evaluation. Everything else of the job stays as deployed.
    /// </summary>
    private static string TestConfiguration(IEnumerable<Uri> hosts, string passwordFile)
    {
        var deploy = DeployDirectory();
        var config = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(Path.Combine(deploy, "prometheus.yml")));
        var global = (Dictionary<object, object>)config["global"];
        global["scrape_interval"] = "1s";
        global["scrape_timeout"] = "1s";
        global["evaluation_interval"] = "1s";
        config["rule_files"] = ((List<object>)config["rule_files"]).Select(f => (object)Path.Combine(deploy, (string)f)).ToList();
        var job = ((List<object>)config["scrape_configs"]).Cast<Dictionary<object, object>>().Single(j => (string)j["job_name"] == "orleans-checkin");
        ((Dictionary<object, object>)job["basic_auth"])["password_file"] = passwordFile;
        job["static_configs"] = new List<object>
        {
            new Dictionary<object, object> { ["targets"] = hosts.Select(h => (object)h.Authority).ToList() },
        };
        config["scrape_configs"] = new List<object> { job };
        return new SerializerBuilder().Build().Serialize(config);
    }

    /// <summary>An instant query; the result's series (empty when nothing matched).</summary>
    public async Task<IReadOnlyList<JsonElement>> QueryAsync(string promQl)
    {
        using var response = await Http.GetAsync(new Uri($"/api/v1/query?query={Uri.EscapeDataString(promQl)}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Prometheus refused the query `{promQl}`: {(int)response.StatusCode} {body}");
        }
        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() is "vector" or "matrix"
            ? [.. result.EnumerateArray().Select(r => r.Clone())]
            : [result.Clone()];
    }

    /// <summary>Every metric name Prometheus has stored (scraped series and recorded rules).</summary>
    public async Task<IReadOnlySet<string>> MetricNamesAsync() =>
        (await GetDataAsync("/api/v1/label/__name__/values")).EnumerateArray().Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The <c>data</c> of a GET of Prometheus's HTTP API.</summary>
    public async Task<JsonElement> GetDataAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {body}");
        }
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").Clone();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(15));
            }
        }
        catch (InvalidOperationException)
        {
            // It ended by itself in between.
        }
        _process.Dispose();
        Http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the dying process: the temp folder is cleaned by the OS.
        }
    }

    private Task WaitUntilReadyAsync() =>
        HttpReadiness.UntilOkAsync(Http, "/-/ready",
            () => _process.HasExited ? Exited() : null, () => Output, ReadyDeadline, "prometheus to be ready");

    private string Exited()
    {
        _process.WaitForExit();
        return $"prometheus exited with code {_process.ExitCode}:";
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
