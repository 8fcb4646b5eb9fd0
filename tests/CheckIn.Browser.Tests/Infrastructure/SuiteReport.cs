using System.Collections.Concurrent;

namespace CheckIn.Browser.Tests.Infrastructure;

/// <summary>
/// The figures the browser suite measures (time to first seat map, stream latency, suite time), also written to
/// <c>browser-summary.txt</c> in <c>$CHECKIN_TEST_RESULTS</c> (scripts/test.sh's results folder) or, without it,
/// next to the test assembly.
/// </summary>
public static class SuiteReport
{
    public const string ResultsVariable = "CHECKIN_TEST_RESULTS";
    public const string FileName = "browser-summary.txt";

    private static readonly ConcurrentQueue<string> Lines = new();

    public static void Add(string line) => Lines.Enqueue($"{DateTimeOffset.UtcNow:HH:mm:ss} {line}");

    public static string Path
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable(ResultsVariable);
            return System.IO.Path.Combine(string.IsNullOrWhiteSpace(folder) ? AppContext.BaseDirectory : folder, FileName);
        }
    }

    public static void Write()
    {
        var path = Path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, ["Browser suite figures (tests/CheckIn.Browser.Tests)", .. Lines]);
    }
}
