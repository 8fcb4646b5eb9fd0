using CheckIn.Grains.Seats;

namespace CheckIn.Grains.Tests.Rules;

public sealed class SeatStateTests
{
    /// <summary>
    /// A storage serializer that populates existing objects (Newtonsoft's default, used by Orleans's Newtonsoft
    /// grain-storage serializer) writes a stored seat into the record a new <see cref="SeatState"/> starts with.
    /// If that record is shared, every seat activated afterwards starts as that stored seat (held by a stranger).
    /// </summary>
    [Fact]
    public void Each_new_seat_state_starts_from_its_own_record()
    {
        Assert.NotSame(new SeatState().Record, new SeatState().Record);
    }
}
