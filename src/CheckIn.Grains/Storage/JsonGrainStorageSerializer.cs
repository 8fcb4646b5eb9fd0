using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace CheckIn.Grains.Storage;

/// <summary>
/// Stores grain state as plain System.Text.Json: property names and values only, never CLR type names, so a
/// renamed or moved state class still reads the rows written before. Enums are written as their names.
/// </summary>
/// <remarks>
/// State classes need public get/set properties and a parameterless constructor (internal classes are fine).
/// Properties missing from a stored row keep their initializer's value; stored properties the class no longer has
/// are ignored, so adding or removing a property needs no migration.
/// </remarks>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    public static JsonSerializerOptions DefaultOptions { get; } = CreateDefaultOptions();

    private readonly JsonSerializerOptions _options;

    public JsonGrainStorageSerializer()
        : this(DefaultOptions)
    {
    }

    public JsonGrainStorageSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public BinaryData Serialize<T>(T? input) =>
        new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options)!;
    }

    private static JsonSerializerOptions CreateDefaultOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = false,
            // Enums by name: reordering or renumbering an enum must not change what a stored row means.
            Converters = { new JsonStringEnumConverter(allowIntegerValues: true) },
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
