namespace CheckIn.Grains;

/// <summary>Names of the Orleans providers the Host must register.</summary>
public static class StorageNames
{
    /// <summary>The grain storage every stateful grain uses.</summary>
    public const string Default = "checkin";
}
