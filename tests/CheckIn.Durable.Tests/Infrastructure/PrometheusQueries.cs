using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace CheckIn.Durable.Tests.Infrastructure;

/// <summary>One PromQL expression of deploy/ and where it comes from (a dashboard panel, a recording or alerting rule).</summary>
internal sealed record DeployedQuery(string Source, string Expr);

/// <summary>
/// The PromQL that deploy/ ships: every target of the Grafana dashboards, every recording rule and every alert, and the
/// small amount of PromQL reading the tests need (the metric names an expression uses, an alert's operands).
/// </summary>
internal static partial class PrometheusQueries
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan",
    };

    public static IReadOnlyList<DeployedQuery> DashboardQueries()
    {
        var dashboards = Path.Combine(PrometheusServer.DeployDirectory(), "..", "grafana", "dashboards");
        var queries = new List<DeployedQuery>();
        foreach (var file in Directory.GetFiles(dashboards, "*.json").Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var panel in Panels(json.RootElement.GetProperty("panels")))
            {
                foreach (var target in panel.TryGetProperty("targets", out var targets) ? targets.EnumerateArray() : Enumerable.Empty<JsonElement>())
                {
                    queries.Add(new DeployedQuery($"{Path.GetFileName(file)} \"{panel.GetProperty("title").GetString()}\" {target.GetProperty("refId").GetString()}", target.GetProperty("expr").GetString()!));
                }
            }
        }
        return queries;
    }

    /// <summary>Recording rules: their expressions and (as <see cref="DeployedQuery.Source"/>) the series they record.</summary>
    public static IReadOnlyList<(string Record, string Expr)> RecordingRules() =>
        [.. Rules().Where(r => r.ContainsKey("record")).Select(r => ((string)r["record"], (string)r["expr"]))];

    public static IReadOnlyList<(string Alert, string Expr)> Alerts() =>
        [.. Rules().Where(r => r.ContainsKey("alert")).Select(r => ((string)r["alert"], (string)r["expr"]))];

    /// <summary>
    /// The parts of an alert's expression that must return data while it does not fire: each side of a top-level
    /// <c>and</c>/<c>or</c>/<c>unless</c> with its threshold comparison taken off, and the inside of <c>absent(…)</c>.
    /// </summary>
    public static IReadOnlyList<string> AlertOperands(string expr) =>
        [.. SplitTopLevel(expr).Select(part =>
        {
            var operand = part.Trim();
            var absent = AbsentCall().Match(operand);
            if (absent.Success && Balanced(absent.Groups[1].Value))
            {
                operand = absent.Groups[1].Value.Trim();
            }
            var comparison = TrailingComparison().Match(operand);
            return comparison.Success ? comparison.Groups[1].Value.Trim() : operand;
        })];

    /// <summary>The metric names (and recorded series) an expression selects; functions, keywords and label names excluded.</summary>
    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var bare = StringLiteral().Replace(expr, "\"\"");
        bare = Braces().Replace(bare, " ");
        bare = Brackets().Replace(bare, " ");
        bare = Grouping().Replace(bare, " ");
        return Identifier().Matches(bare)
            .Where(m => !Keywords.Contains(m.Value) && !FollowedByCall(bare, m.Index + m.Length))
            .Select(m => m.Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<Dictionary<object, object>> Rules()
    {
        var deserializer = new DeserializerBuilder().Build();
        foreach (var file in Directory.GetFiles(Path.Combine(PrometheusServer.DeployDirectory(), "rules"), "*.yml").Order(StringComparer.Ordinal))
        {
            var rules = deserializer.Deserialize<Dictionary<object, object>>(File.ReadAllText(file));
            foreach (var group in ((List<object>)rules["groups"]).Cast<Dictionary<object, object>>())
            {
                foreach (var rule in ((List<object>)group["rules"]).Cast<Dictionary<object, object>>())
                {
                    yield return rule;
                }
            }
        }
    }

    private static IEnumerable<JsonElement> Panels(JsonElement panels)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in Panels(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static bool FollowedByCall(string text, int index)
    {
        while (index < text.Length && char.IsWhiteSpace(text[index]))
        {
            index++;
        }
        return index < text.Length && text[index] == '(';
    }

    private static bool Balanced(string text) => text.Count(c => c == '(') == text.Count(c => c == ')');

    /// <summary>Splits at <c>and</c>, <c>or</c>, <c>unless</c> outside parentheses, braces, brackets and strings.</summary>
    private static List<string> SplitTopLevel(string expr)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        var inString = false;
        for (var i = 0; i < expr.Length; i++)
        {
            var c = expr[i];
            if (inString)
            {
                inString = c != '"' || expr[i - 1] == '\\';
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c is '(' or '{' or '[')
            {
                depth++;
            }
            else if (c is ')' or '}' or ']')
            {
                depth--;
            }
            else if (depth == 0 && TopLevelSetOperator().Match(expr, i) is { Success: true } op && op.Index == i)
            {
                parts.Add(current.ToString());
                current.Clear();
                i += op.Length - 1;
                continue;
            }
            current.Append(c);
        }
        parts.Add(current.ToString());
        return parts;
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w:.])[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\s(?:and|or|unless)\s")]
    private static partial Regex TopLevelSetOperator();

    [GeneratedRegex(@"^absent\((.*)\)$", RegexOptions.Singleline)]
    private static partial Regex AbsentCall();

    [GeneratedRegex(@"^(.*?)\s*(?:==|!=|>=|<=|>|<)\s*(?:bool\s+)?-?[0-9.]+(?:[eE][+-]?[0-9]+)?\s*$", RegexOptions.Singleline)]
    private static partial Regex TrailingComparison();
}
