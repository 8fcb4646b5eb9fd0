using System.ComponentModel.DataAnnotations;

namespace CheckIn.Grains;

/// <summary>Seat lifecycle settings, bound from the <c>CheckIn</c> configuration section.</summary>
public sealed class SeatHoldOptions
{
    /// <summary>How long a hold lasts before the seat is released (CheckIn__HoldDuration).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "CheckIn:HoldDuration must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a flight's seat map looks for holds whose expiry passed without the seat noticing.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "CheckIn:ExpirySweepInterval must be between 00:00:00.100 and 00:01:00.")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a seat offered to the waitlist waits for an answer before it offers itself again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "CheckIn:WaitlistOfferRetry must be between 00:00:00.100 and 00:10:00.")]
    public TimeSpan WaitlistOfferRetry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a flight's waitlist, while someone waits, looks for free seats it was not offered (a backstop).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "CheckIn:WaitlistSweepInterval must be between 00:00:00.100 and 00:10:00.")]
    public TimeSpan WaitlistSweepInterval { get; set; } = TimeSpan.FromSeconds(2);
}
