using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace CheckIn.Grains.Storage;

/// <summary>
/// How grain state is stored: Orleans's own System.Text.Json grain-storage serializer, with property names and
/// values only, never CLR type names, so a renamed or moved state class still reads the rows written before.
/// </summary>
/// <remarks>
/// The options are the ones rows have always been written with (web defaults: camelCase names, enums by name),
/// set explicitly because Orleans's defaults differ: they indent, skip default values (a stored <c>false</c> would
/// then read back as the property's initializer) and track references. State classes need public get/set
/// properties and a parameterless constructor (internal classes are fine). Properties missing from a stored row
/// keep their initializer's value; stored properties the class no longer has are ignored, so adding or removing a
/// property needs no migration.
/// </remarks>
public static class GrainStateJson
{
    public static IGrainStorageSerializer CreateSerializer()
    {
        var options = new SystemTextJsonGrainStorageSerializerOptions();
        Configure(options.JsonSerializerOptions);
        return new SystemTextJsonGrainStorageSerializer(Options.Create(options));
    }

    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        options.WriteIndented = false;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.ReferenceHandler = null;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        // Enums by name: reordering or renumbering an enum must not change what a stored row means.
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: true));
    }
}
