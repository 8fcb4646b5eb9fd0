namespace CheckIn.Host.Api;

/// <summary>
/// When a process that went quiet gives its memory back. The grains Orleans deactivates and the copies
/// <see cref="HostCacheSweeper"/> drops end up in the oldest generation, which only a full collection frees, and a
/// quiet process allocates too little to trigger one (a metrics scrape now and then only runs the young
/// generations): it keeps its peak's memory (bench/README "Idle fleet": 10,000 flights kept 2.9 GB after 87 % of
/// their activations were collected). Once the process has used less than <see cref="QuietCpuShare"/> of one core
/// for <see cref="QuietChecks"/> checks in a row, one compacting full collection that returns free memory to the
/// operating system is due; then none until the process has been busy again. The trim's pause (a few hundred ms for
/// a few GB) falls on a host serving next to nothing.
/// </summary>
internal sealed class IdleMemoryTrim
{
    /// <summary>Below this share of one core over a check's period, the process counts as quiet.</summary>
    public const double QuietCpuShare = 0.2;

    /// <summary>Quiet checks in a row (one per sweep period) before a trim.</summary>
    public const int QuietChecks = 2;

    private int _quiet;
    private bool _trimmed;

    /// <summary>Whether to trim now, given the share of one core the process used since the previous check.</summary>
    public bool Due(double cpuShareOfOneCore)
    {
        if (cpuShareOfOneCore >= QuietCpuShare)
        {
            _quiet = 0;
            _trimmed = false;
            return false;
        }
        _quiet++;
        if (_trimmed || _quiet < QuietChecks)
        {
            return false;
        }
        _trimmed = true;
        return true;
    }
}
