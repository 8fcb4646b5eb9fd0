using System.Reflection;

namespace CheckIn.Bench.Target;

/// <summary>Where the repository and the Host's build output are (baked in at build time, overridable).</summary>
internal static class BuildInfo
{
    public static string RepositoryRoot => Metadata("CheckInRepositoryRoot") is { } root && Directory.Exists(root)
        ? root
        : FindUp(Directory.GetCurrentDirectory()) ?? FindUp(AppContext.BaseDirectory)
            ?? throw new Api.BenchException("Cannot find the repository root (a folder with Orleans.CheckIn.sln).");

    public static string HostDirectory(string? overridden)
    {
        var directory = overridden ?? Metadata("CheckInHostDirectory")
            ?? Path.Combine(RepositoryRoot, "src", "CheckIn.Host", "bin", "Release", "net10.0");
        if (!File.Exists(Path.Combine(directory, "CheckIn.Host.dll")))
        {
            throw new Api.BenchException(
                $"No CheckIn.Host.dll in {directory}. Build it (`dotnet build src/CheckIn.Host -c Release`) or pass --host-dir.");
        }
        return Path.GetFullPath(directory);
    }

    /// <summary>The repository the started host's source is in: that of <c>--host-dir</c> when given (e.g. a worktree of another commit).</summary>
    public static string SourceRoot(string? hostDirectory) =>
        hostDirectory is not null && FindUp(Path.GetFullPath(hostDirectory)) is { } root ? root : RepositoryRoot;

    private static string? Metadata(string key) => typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == key)?.Value;

    private static string? FindUp(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.CheckIn.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
