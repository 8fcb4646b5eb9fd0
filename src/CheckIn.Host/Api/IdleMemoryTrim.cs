namespace CheckIn.Host.Api;

/// <summary>
/// When a process that went quiet gives its memory back. An idle process allocates (almost) nothing, so no garbage
/// collection runs and the grains Orleans deactivated and the copies <see cref="HostCacheSweeper"/> dropped stay in
/// memory at the peak's size (bench/README "Idle fleet": 10,000 flights kept 2.9 GB after 89 % of their activations
/// were collected). Once no collection has run for <see cref="QuietChecks"/> checks in a row, one compacting full
/// collection that returns free memory to the operating system is due; then none until collections resume on their
/// own (traffic again) and stop again. A host with traffic collects on its own and is never trimmed; the pause of the
/// trim (a few hundred ms for a few GB) falls on a host that served nearly nothing for a minute.
/// </summary>
internal sealed class IdleMemoryTrim
{
    /// <summary>Checks without a collection (one per sweep period) before a trim.</summary>
    public const int QuietChecks = 2;

    private int _lastCollections = -1;
    private int _quiet;
    private bool _trimmed;

    /// <summary>
    /// Whether to trim now, given the process's count of gen0 collections (every collection counts there). After a
    /// trim, pass the count again to <see cref="Trimmed"/> so the trim's own collection is not taken for traffic.
    /// </summary>
    public bool Due(int collections)
    {
        if (collections != _lastCollections)
        {
            _lastCollections = collections;
            _quiet = 0;
            _trimmed = false;
            return false;
        }
        _quiet++;
        return !_trimmed && _quiet >= QuietChecks;
    }

    public void Trimmed(int collections)
    {
        _lastCollections = collections;
        _trimmed = true;
    }
}
