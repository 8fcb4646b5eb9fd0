using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CheckIn.Bench.Target;

/// <summary>Throwaway PostgreSQL and Redis from <c>scripts/services.sh</c>, the way the test command starts them.</summary>
internal sealed partial class Services : IAsyncDisposable
{
    private readonly string _directory;

    private Services(string directory, string postgres, string redis)
    {
        _directory = directory;
        Postgres = postgres;
        Redis = redis;
    }

    public string Postgres { get; }

    public string Redis { get; }

    public static async Task<Services> StartAsync(string directory, TextWriter log, CancellationToken cancellationToken)
    {
        log.WriteLine($"starting PostgreSQL and Redis (scripts/services.sh) in {directory}");
        var exit = await RunScriptAsync("start", directory, cancellationToken);
        if (exit.Code != 0)
        {
            throw new Api.BenchException($"scripts/services.sh start failed ({exit.Code}): {exit.Output}");
        }
        var env = await File.ReadAllTextAsync(Path.Combine(directory, "env"), cancellationToken);
        return new Services(directory, Variable(env, "CHECKIN_TEST_POSTGRES"), Variable(env, "CHECKIN_TEST_REDIS"));
    }

    public async ValueTask DisposeAsync() => await RunScriptAsync("stop", _directory, CancellationToken.None);

    private static string Variable(string env, string name) =>
        EnvLine().Matches(env).FirstOrDefault(m => m.Groups[1].Value == name)?.Groups[2].Value
        ?? throw new Api.BenchException($"scripts/services.sh did not write {name}.");

    private static async Task<(int Code, string Output)> RunScriptAsync(string verb, string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(BuildInfo.RepositoryRoot, "scripts", "services.sh"), verb, directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new Api.BenchException("Could not run bash.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"^export (\w+)='([^']*)'", RegexOptions.Multiline)]
    private static partial Regex EnvLine();
}
