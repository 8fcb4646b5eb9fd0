using CheckIn.Grains.Storage;
using System.Text;

namespace CheckIn.Durable.Tests;

public sealed class GrainStateJsonTests
{
    private readonly Orleans.Storage.IGrainStorageSerializer _serializer = GrainStateJson.CreateSerializer();

    [Fact]
    public void A_renamed_state_class_reads_rows_written_by_the_old_one()
    {
        var written = _serializer.Serialize(new OldSeatState
        {
            Status = Mood.Held,
            Holders = ["P1", "P2"],
            Notes = new Dictionary<string, int> { ["a"] = 1 },
        });

        var read = _serializer.Deserialize<RenamedSeatState>(written)!;

        Assert.Equal(Mood.Held, read.Status);
        Assert.Equal(["P1", "P2"], read.Holders);
        Assert.Equal(1, read.Notes["a"]);
        Assert.Equal("kept", read.AddedLater);
    }

    [Fact]
    public void Enums_are_written_by_name_and_no_type_names_are_embedded()
    {
        var json = Encoding.UTF8.GetString(_serializer.Serialize(new OldSeatState { Status = Mood.Held }).ToArray());

        Assert.Contains("\"status\":\"Held\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(OldSeatState), json, StringComparison.Ordinal);
    }

    internal enum Mood
    {
        Free = 1,
        Held = 2,
    }

    internal sealed class OldSeatState
    {
        public Mood Status { get; set; } = Mood.Free;

        public List<string> Holders { get; set; } = [];

        public Dictionary<string, int> Notes { get; set; } = [];
    }

    internal sealed class RenamedSeatState
    {
        public Mood Status { get; set; } = Mood.Free;

        public List<string> Holders { get; set; } = [];

        public Dictionary<string, int> Notes { get; set; } = [];

        public string AddedLater { get; set; } = "kept";
    }
}
