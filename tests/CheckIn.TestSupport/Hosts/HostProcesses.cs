namespace CheckIn.TestSupport.Hosts;

/// <summary>
/// The host processes one test started. Disposing kills every one that still runs and writes each one's output
/// to the test log, which the runner prints when the test fails.
/// </summary>
public sealed class HostProcesses(ITestOutputHelper log) : IDisposable
{
    private readonly List<HostProcess> _hosts = [];

    public HostProcess Start(string name, HostSettings settings)
    {
        var host = HostProcess.Start(name, settings);
        _hosts.Add(host);
        return host;
    }

    public void Dispose()
    {
        // SIGTERM to all first, so they stop side by side; each Dispose then waits for its own.
        var running = _hosts.Where(h => !h.HasExited).ToList();
        foreach (var host in running)
        {
            host.Terminate();
        }
        foreach (var host in _hosts)
        {
            var exit = running.Contains(host) ? "still running; stopped with SIGTERM" : $"exited with {host.ExitCode}";
            host.Dispose();
            log.WriteLine($"----- {host.Name} ({exit}; http {host.Settings.HttpPort}, silo {host.Settings.SiloPort}, gateway {host.Settings.GatewayPort}) -----");
            log.WriteLine(host.Output);
        }
        _hosts.Clear();
    }
}
