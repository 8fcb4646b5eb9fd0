using YamlDotNet.RepresentationModel;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>The hand-written <c>API-SPECIFICATION.yml</c> at the repository root, read with YamlDotNet.</summary>
public sealed class ApiSpecification
{
    /// <summary>Path items marked with this extension are documented but deliberately absent from the served swagger.json.</summary>
    public const string NotInSwaggerExtension = "x-not-in-swagger-json";

    private static readonly Lazy<ApiSpecification> Loaded = new(() => Load(Path.Combine(FindRepositoryRoot(), "API-SPECIFICATION.yml")));

    private static readonly HashSet<string> Methods = new(StringComparer.OrdinalIgnoreCase) { "get", "put", "post", "delete", "patch", "head", "options", "trace" };

    private ApiSpecification(YamlMappingNode root) => Root = root;

    public static ApiSpecification Current => Loaded.Value;

    public YamlMappingNode Root { get; }

    /// <summary>Every documented (path, method) with its response status codes, except paths marked <see cref="NotInSwaggerExtension"/>.</summary>
    public IReadOnlyDictionary<(string Path, string Method), IReadOnlySet<string>> Operations =>
        ReadOperations(includeMarked: false);

    /// <summary>Paths documented here that the served swagger.json leaves out on purpose.</summary>
    public IReadOnlyList<string> PathsNotInSwagger =>
        [.. Paths.Children.Where(p => IsMarked((YamlMappingNode)p.Value)).Select(p => Scalar(p.Key))];

    /// <summary>The enum of the Problem schema's <c>code</c> property: every code the API may answer with.</summary>
    public IReadOnlySet<string> ErrorCodes => CodeProperty.Children.TryGetValue("enum", out var values)
        ? ((YamlSequenceNode)values).Children.Select(Scalar).ToHashSet(StringComparer.Ordinal)
        : new HashSet<string>();

    /// <summary>The keys of <c>x-error-codes</c> next to that enum (each code with its status and meaning).</summary>
    public IReadOnlySet<string> DescribedErrorCodes => CodeProperty.Children.TryGetValue("x-error-codes", out var codes)
        ? ((YamlMappingNode)codes).Children.Keys.Select(Scalar).ToHashSet(StringComparer.Ordinal)
        : new HashSet<string>();

    private YamlMappingNode Paths => (YamlMappingNode)Root["paths"];

    private YamlMappingNode CodeProperty =>
        (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Root["components"])["schemas"])["Problem"])["properties"])["code"];

    public static ApiSpecification Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return new ApiSpecification((YamlMappingNode)stream.Documents[0].RootNode);
    }

    /// <summary>The folder holding Orleans.CheckIn.sln, found by walking up from the test binaries.</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.CheckIn.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Orleans.CheckIn.sln.");
    }

    private Dictionary<(string Path, string Method), IReadOnlySet<string>> ReadOperations(bool includeMarked)
    {
        var operations = new Dictionary<(string, string), IReadOnlySet<string>>();
        foreach (var (pathKey, pathValue) in Paths.Children)
        {
            var item = (YamlMappingNode)pathValue;
            if (!includeMarked && IsMarked(item))
            {
                continue;
            }
            foreach (var (methodKey, operation) in item.Children)
            {
                var method = Scalar(methodKey);
                if (!Methods.Contains(method))
                {
                    continue;
                }
                var responses = (YamlMappingNode)((YamlMappingNode)operation)["responses"];
                operations[(Scalar(pathKey), method.ToLowerInvariant())] = responses.Children.Keys.Select(Scalar).ToHashSet(StringComparer.Ordinal);
            }
        }
        return operations;
    }

    private static bool IsMarked(YamlMappingNode pathItem) =>
        pathItem.Children.TryGetValue(NotInSwaggerExtension, out var flag) && Scalar(flag) == "true";

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";
}
