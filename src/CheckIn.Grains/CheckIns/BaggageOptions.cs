using System.ComponentModel.DataAnnotations;

namespace CheckIn.Grains.CheckIns;

/// <summary>Checked-baggage rules, bound from <c>CheckIn:Baggage</c> (e.g. <c>CheckIn__Baggage__MaxBags</c>).</summary>
public sealed class BaggageOptions
{
    public const string Section = "CheckIn:Baggage";

    /// <summary>A bag up to this weight is included (default 25 kg).</summary>
    [Range(typeof(decimal), "1", "100", ErrorMessage = "CheckIn:Baggage:IncludedKg must be between 1 and 100.")]
    public decimal IncludedKg { get; set; } = 25m;

    /// <summary>A bag over this weight is refused and must be repacked (default 32 kg); above IncludedKg it pays a fee.</summary>
    [Range(typeof(decimal), "1", "100", ErrorMessage = "CheckIn:Baggage:MaxKg must be between 1 and 100.")]
    public decimal MaxKg { get; set; } = 32m;

    /// <summary>The fee per overweight bag (default 50.00).</summary>
    [Range(typeof(decimal), "0.01", "10000", ErrorMessage = "CheckIn:Baggage:OverweightFee must be between 0.01 and 10000.")]
    public decimal OverweightFee { get; set; } = 50.00m;

    /// <summary>The fee's ISO 4217 currency (default EUR).</summary>
    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "CheckIn:Baggage:Currency must be three upper-case letters (ISO 4217).")]
    public string Currency { get; set; } = "EUR";

    /// <summary>The most bags a passenger may check (default 3).</summary>
    [Range(1, 10, ErrorMessage = "CheckIn:Baggage:MaxBags must be between 1 and 10.")]
    public int MaxBags { get; set; } = 3;
}
