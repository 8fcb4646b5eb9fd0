using Microsoft.Extensions.Options;

namespace CheckIn.Weight;

/// <summary>Fails start-up on bad configured values, naming the full configuration key.</summary>
internal sealed class WeightServiceOptionsValidator(string sectionPath) : IValidateOptions<WeightServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, WeightServiceOptions options)
    {
        var failures = new List<string>();
        var defaults = FaultSettings.Check(options.LatencyMs, options.FailureRate, options.FailureStatusCode);
        if (defaults is { } fault)
        {
            failures.Add($"{sectionPath}:{Pascal(fault.Field)} {fault.Reason}");
        }
        if (!Enum.IsDefined(options.UnknownTags))
        {
            failures.Add($"{sectionPath}:UnknownTags must be Derive or NotFound (was {options.UnknownTags}).");
        }
        foreach (var (tag, text) in options.Bags)
        {
            if (!BagTag.TryNormalize(tag, out _))
            {
                failures.Add($"{sectionPath}:Bags:{tag} is not a bag tag: use 1-{BagTag.MaxLength} characters of A-Z/0-9.");
            }
            else if (!WeightRules.TryParse(text, out _, out var reason))
            {
                failures.Add($"{sectionPath}:Bags:{tag} {reason}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Pascal(string camel) => char.ToUpperInvariant(camel[0]) + camel[1..];
}
