namespace CheckIn.Grains.Storage;

/// <summary>What the grains may assume about the grain storage the Host registered.</summary>
public sealed class GrainStorageOptions
{
    /// <summary>
    /// False when the storage lives in the silo itself (embedded mode's in-memory storage, whose own grains are
    /// deactivated in the same shutdown): a write while the silo stops can then only fail, and keeps nothing.
    /// </summary>
    public bool OutlivesSilo { get; set; } = true;
}
