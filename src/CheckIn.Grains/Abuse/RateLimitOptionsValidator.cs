using Microsoft.Extensions.Options;

namespace CheckIn.Grains.Abuse;

/// <summary>
/// What data annotations cannot say about <see cref="RateLimitOptions.ApiKeys"/>: each entry is complete, and no two
/// share a name (one client key each) or a key (the key decides who the caller is). Messages name the setting, never
/// a key's value.
/// </summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    private const string Prefix = "CheckIn:RateLimiting:ApiKeys";

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var client = options.ApiKeys[i];
            if (string.IsNullOrWhiteSpace(client.Name) || client.Name.Length > 64 || !client.Name.All(IsNameChar))
            {
                failures.Add($"{Prefix}:{i}:Name must be 1-64 letters, digits, '.', '_' or '-'.");
            }
            else if (!names.TryAdd(client.Name, i))
            {
                failures.Add($"{Prefix}:{i}:Name repeats {Prefix}:{names[client.Name]}:Name ('{client.Name}'); names must be unique.");
            }
            if (string.IsNullOrEmpty(client.Key) || client.Key.Length < 16)
            {
                failures.Add($"{Prefix}:{i}:Key must be at least 16 characters.");
            }
            else if (!keys.TryAdd(client.Key, i))
            {
                failures.Add($"{Prefix}:{i}:Key repeats the key of {Prefix}:{keys[client.Key]}; keys must be unique.");
            }
            foreach (var (setting, value) in new[]
            {
                ("SeatMapPerMinute", client.SeatMapPerMinute),
                ("SeatCommandsPerMinute", client.SeatCommandsPerMinute),
                ("SessionsPerMinute", client.SessionsPerMinute),
            })
            {
                if (value is < 1)
                {
                    failures.Add($"{Prefix}:{i}:{setting} must be at least 1 when set.");
                }
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
