using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// PostgreSQL's own pgbench against the same server: a scratch database, <c>pgbench -i -s N</c>, then a one-row
/// UPDATE per transaction at C clients. Its transactions/s is the ceiling a durable seat command is compared with.
/// </summary>
internal static partial class PgBench
{
    public sealed record Result(double Tps, long Transactions, double LatencyAverageMs, int Clients, int Scale, TimeSpan Duration, string Binary);

    public static async Task<Result> RunAsync(string connectionString, int clients, int scale, TimeSpan duration, Action<string> log, CancellationToken cancellationToken)
    {
        var binary = FindBinary();
        var server = new NpgsqlConnectionStringBuilder(connectionString);
        var scratch = $"pgbench_{Guid.NewGuid():N}"[..24];
        await ExecuteAsync(server.ConnectionString, $"CREATE DATABASE \"{scratch}\"", cancellationToken);
        var script = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(script, $"""
                \set aid random(1, {100000 * scale})
                \set delta random(-5000, 5000)
                UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;

                """, cancellationToken);
            log($"pgbench: initializing scale {scale} in {scratch}");
            await RunAsync(binary, server, ["-i", "-q", "-s", scale.ToString(CultureInfo.InvariantCulture), scratch], cancellationToken);
            log($"pgbench: one-row UPDATE, {clients} clients, {duration.TotalSeconds:F0} s");
            var output = await RunAsync(binary, server,
                ["-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
                 "-T", Math.Max(1, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-f", script, scratch], cancellationToken);
            var tps = Tps().Match(output);
            if (!tps.Success)
            {
                throw new Api.BenchException($"Could not read tps from pgbench's output:{Environment.NewLine}{output}");
            }
            var transactions = Transactions().Match(output);
            var latency = Latency().Match(output);
            return new Result(
                double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
                transactions.Success ? long.Parse(transactions.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
                latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
                clients, scale, duration, binary);
        }
        finally
        {
            File.Delete(script);
            await ExecuteAsync(server.ConnectionString, $"DROP DATABASE IF EXISTS \"{scratch}\" WITH (FORCE)", CancellationToken.None);
        }
    }

    private static string FindBinary()
    {
        string[] candidates = ["/usr/lib/postgresql/15/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench", "/usr/lib/postgresql/17/bin/pgbench", "/usr/bin/pgbench"];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new Api.BenchException("pgbench not found (Debian package postgresql-15 or postgresql-contrib).");
    }

    private static async Task<string> RunAsync(string binary, NpgsqlConnectionStringBuilder server, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-h", server.Host ?? "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.Username ?? "postgres" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        if (!string.IsNullOrEmpty(server.Password))
        {
            start.Environment["PGPASSWORD"] = server.Password;
        }
        using var process = Process.Start(start) ?? throw new Api.BenchException("Could not start pgbench.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new Api.BenchException($"pgbench failed ({process.ExitCode}): {await error}");
        }
        return await output + await error;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex Transactions();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex Latency();
}
