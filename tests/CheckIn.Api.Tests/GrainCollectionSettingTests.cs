using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Host.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CheckIn.Api.Tests;

/// <summary>
/// <c>CheckIn__GrainCollectionAge</c> decides when Orleans collects an idle activation (issue 16: idle flights give
/// their memory back): 5 minutes unless set, validated, and handed to the silo's <see cref="GrainCollectionOptions"/>.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GrainCollectionSettingTests(ApiFixture fixture)
{
    [Fact]
    public void The_silo_collects_idle_activations_after_five_minutes_by_default()
    {
        var collection = fixture.Server.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(5), collection.CollectionAge);
        Assert.Equal(CheckInOptions.DefaultGrainCollectionAge, collection.CollectionAge);
    }

    [Fact]
    public async Task The_collection_age_is_a_setting()
    {
        await using var factory = new CheckInApiFactory();
        await using var host = factory.WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            builder.UseSetting("CheckIn:GrainCollectionAge", "00:03:00");
        });

        var collection = host.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(3), collection.CollectionAge);
    }

    [Theory]
    [InlineData("00:01:59", false)]
    [InlineData("00:02:00", true)]
    [InlineData("1.00:00:00", true)]
    [InlineData("1.00:00:01", false)]
    public void The_collection_age_is_between_two_minutes_and_a_day(string age, bool valid)
    {
        var options = new CheckInOptions { GrainCollectionAge = TimeSpan.Parse(age, System.Globalization.CultureInfo.InvariantCulture) };

        var results = fixture.Server.Services.GetServices<IValidateOptions<CheckInOptions>>().Select(v => v.Validate(null, options)).ToList();

        Assert.NotEmpty(results);
        Assert.Equal(valid, results.All(r => !r.Failed));
        if (!valid)
        {
            Assert.Contains(results, r => r.Failed && r.FailureMessage.Contains("CheckIn:GrainCollectionAge (CheckIn__GrainCollectionAge)", StringComparison.Ordinal));
        }
    }
}
