using System.ComponentModel.DataAnnotations;

namespace CheckIn.Grains.CheckIns;

/// <summary>When online check-in is open, bound from <c>CheckIn:Window</c> (e.g. <c>CheckIn__Window__Opens</c>).</summary>
public sealed class CheckInWindowOptions
{
    public const string Section = "CheckIn:Window";

    /// <summary>How long before departure check-in opens (default 24 h).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "CheckIn:Window:Opens must be between 00:01:00 and 30.00:00:00.")]
    public TimeSpan Opens { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long before departure check-in closes (default 45 min). Must be less than <see cref="Opens"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "CheckIn:Window:Closes must be between 00:00:00 and 1.00:00:00.")]
    public TimeSpan Closes { get; set; } = TimeSpan.FromMinutes(45);

    /// <summary>How long before departure boarding starts, printed on the boarding pass (default 40 min).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "12:00:00", ErrorMessage = "CheckIn:Window:BoardingBeforeDeparture must be between 00:00:00 and 12:00:00.")]
    public TimeSpan BoardingBeforeDeparture { get; set; } = TimeSpan.FromMinutes(40);
}
