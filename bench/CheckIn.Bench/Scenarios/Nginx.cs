using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CheckIn.Bench.Target;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// nginx (the Debian package) serving given bytes as a static file at the same path as the host, as a foreground
/// child process with its own configuration in a temporary folder: the machine's own ceiling for that response.
/// </summary>
internal sealed class Nginx : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private Nginx(Process process, string directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<Nginx> StartAsync(byte[] body, string path, Action<string> log, CancellationToken cancellationToken)
    {
        var binary = await DebianPackage.FindOrInstallAsync(
            "nginx-light", ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"], "pass --no-nginx to skip the comparison", log, cancellationToken);
        var directory = Directory.CreateTempSubdirectory("checkin-bench-nginx-").FullName;
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var www = Directory.CreateDirectory(Path.Combine(directory, "www")).FullName;
        if (!OperatingSystem.IsWindows())
        {
            // nginx's workers run as an unprivileged user: they must be able to read the file.
            File.SetUnixFileMode(directory, readable);
            File.SetUnixFileMode(www, readable);
        }
        await File.WriteAllBytesAsync(Path.Combine(www, "seatmap.json"), body, cancellationToken);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var config = $$"""
            daemon off;
            worker_processes auto;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 8192; }
            http {
              access_log off;
              types { application/json json; }
              default_type application/json;
              sendfile on;
              tcp_nopush on;
              keepalive_timeout 600s;
              keepalive_requests 100000000;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              server {
                listen 127.0.0.1:{{port}};
                root {{www}};
                location = {{path}} { try_files /seatmap.json =404; }
              }
            }
            """;
        var configPath = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(configPath, config, cancellationToken);
        var start = new ProcessStartInfo(binary, ["-p", directory, "-c", configPath, "-e", Path.Combine(directory, "error.log")])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new Api.BenchException("Could not start nginx.");
        var nginx = new Nginx(process, directory, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await nginx.WaitUntilServingAsync(path, cancellationToken);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilServingAsync(string path, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_process.HasExited)
            {
                var error = await _process.StandardError.ReadToEndAsync(cancellationToken);
                throw new Api.BenchException($"nginx exited with code {_process.ExitCode}: {error}");
            }
            try
            {
                using var response = await probe.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50, cancellationToken);
        }
        throw new Api.BenchException($"nginx did not serve {path} within 5 s.");
    }
}
