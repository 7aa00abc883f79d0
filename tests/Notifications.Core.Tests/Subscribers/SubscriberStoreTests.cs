using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Mail;

namespace Notifications.Core.Tests.Subscribers;

public sealed class SubscriberStoreTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddedSubscriberIsListedWithNormalisedAddress()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();

        var added = await store.AddAsync(new NewSubscriber("  D.Karimova@Customs.UZ.example ", "Dilnoza Karimova", "Customs Committee of Uzbekistan", "RU",
            DigestFrequency.Weekly, Country: "uz", Topics: ["E-Commerce", "data model", "e-commerce"], TimeZone: "Asia/Tashkent"), Ct);

        var listed = Assert.Single(await store.ListAsync(Ct));
        Assert.Equal(added with { Topics = null }, listed with { Topics = null });
        Assert.Equal(["e-commerce", "data model"], listed.TopicList);
        Assert.Equal(("UZ", "Asia/Tashkent"), (listed.Country, listed.TimeZone));
        Assert.Equal(new Consent("admin", host.Time.GetUtcNow(), host.Time.GetUtcNow()), listed.Consent);
        Assert.Equal("d.karimova@customs.uz.example", listed.Email);
        Assert.Equal("ru", listed.Language);
        Assert.Equal(DigestFrequency.Weekly, listed.Frequency);
        Assert.Equal(SubscriberStatus.Active, listed.Status);
        Assert.Equal(host.Get<SubscriberStore>().IdOf("d.karimova@customs.uz.example"), listed.Id);
        Assert.Equal(host.Time.GetUtcNow(), listed.CreatedAt);
    }

    [Fact]
    public async Task RejectsTheSameAddressTwiceWhateverItsCase()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        await store.AddAsync(new NewSubscriber("j.smith@hmrc.example", "Jane Smith", "HMRC"), Ct);

        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(() => store.AddAsync(new NewSubscriber("J.Smith@HMRC.example", "Jane Smith", "HMRC"), Ct));

        Assert.Equal("email", e.Field);
        Assert.Contains("already exists", e.Message);
        Assert.Single(await store.ListAsync(Ct));
    }

    [Fact]
    public async Task ListsByFrequency()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        await store.UpsertManyAsync([
            new("a@x.example", "A", "Org", Frequency: DigestFrequency.Daily),
            new("b@x.example", "B", "Org", Frequency: DigestFrequency.Weekly),
            new("c@x.example", "C", "Org", Frequency: DigestFrequency.Daily, Status: SubscriberStatus.Unsubscribed),
        ], Ct);

        var daily = await store.ListByFrequencyAsync(DigestFrequency.Daily, Ct);

        Assert.Equal(["a@x.example", "c@x.example"], daily.Select(s => s.Email).Order());
    }

    [Theory]
    [InlineData("", "email")]
    [InlineData("no-at-sign.example", "email")]
    [InlineData("two words@x.example", "email")]
    [InlineData("user@localhost", "email")]
    public async Task RejectsUnusableAddress(string email, string field)
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(() => host.Get<SubscriberStore>().AddAsync(new NewSubscriber(email, "N", "Org"), Ct));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public async Task RejectsNameWithLineBreak()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(
            () => host.Get<SubscriberStore>().AddAsync(new NewSubscriber("a@x.example", "Jane\r\nBcc: all@x.example", "Org"), Ct));
        Assert.Equal("name", e.Field);
    }

    [Fact]
    public async Task RejectsUnsupportedLanguage()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(
            () => host.Get<SubscriberStore>().AddAsync(new NewSubscriber("a@x.example", "Jane", "Org", "de"), Ct));
        Assert.Equal("language", e.Field);
        Assert.Contains("en, ru, fr", e.Message);
    }

    [Theory]
    [InlineData("XX", "country")]
    [InlineData("Uzbekistan", "country")]
    [InlineData("Mars/Olympus", "time_zone")]
    [InlineData("ecommerce", "topics")]
    public async Task RejectsUnknownCountryTimeZoneOrTopic(string value, string field)
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var input = field switch
        {
            "country" => new NewSubscriber("a@x.example", "A", "Org", Country: value),
            "time_zone" => new NewSubscriber("a@x.example", "A", "Org", TimeZone: value),
            _ => new NewSubscriber("a@x.example", "A", "Org", Topics: [value]),
        };
        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(() => host.Get<SubscriberStore>().AddAsync(input, Ct));
        Assert.Equal(field, e.Field);
        Assert.Contains(value, e.Message);
    }

    [Fact]
    public async Task WindowsTimeZoneIdIsStoredAsItsIanaId()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var added = await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("a@x.example", "A", "Org", TimeZone: "Romance Standard Time"), Ct);
        Assert.Equal("Europe/Paris", added.TimeZone);
    }

    [Fact]
    public async Task UpdateKeepsIdentityAndStampsTheTime()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        var added = await store.AddAsync(new NewSubscriber("a@x.example", "A", "Org"), Ct);
        host.Time.Advance(TimeSpan.FromHours(1));

        var (before, after) = (await store.UpdateAsync(added.Id, s => s with { Frequency = DigestFrequency.Weekly, Email = "evil@x.example" }, Ct))!.Value;

        Assert.Equal(DigestFrequency.Daily, before.Frequency);
        Assert.Equal(
            (DigestFrequency.Weekly, "a@x.example", added.CreatedAt, host.Time.GetUtcNow()),
            (after.Frequency, after.Email, after.CreatedAt, after.UpdatedAt));
        Assert.Equal(DigestFrequency.Weekly, (await store.GetAsync(added.Id, Ct))!.Frequency);
        Assert.Null(await store.UpdateAsync(store.IdOf("nobody@x.example"), s => s, Ct));
    }

    [Fact]
    public async Task ConcurrentUpdatesAreAllApplied()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        var added = await store.AddAsync(new NewSubscriber("a@x.example", "A", "Org"), Ct);
        string[] topics = ["e-commerce", "data model", "trade facilitation", "green customs"];

        await Task.WhenAll(topics.Select(t => store.UpdateAsync(added.Id, s => s with { Topics = [.. s.TopicList, t] }, Ct)));

        Assert.Equal(topics.Order(), (await store.GetAsync(added.Id, Ct))!.TopicList.Order());
    }

    [Fact]
    public async Task DeleteErasesTheRecord()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        var added = await store.AddAsync(new NewSubscriber("a@x.example", "A", "Org"), Ct);

        Assert.True(await store.DeleteAsync(added.Id, Ct));
        Assert.False(await store.DeleteAsync(added.Id, Ct));
        Assert.Null(await store.FindByEmailAsync("A@X.example", Ct));
    }

    [Fact]
    public async Task QueryFiltersAndPagesWithContinuationTokens()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        await store.UpsertManyAsync(Enumerable.Range(0, 25).Select(i => new NewSubscriber($"uz{i:D2}@x.example", "N", "Customs Committee of Uzbekistan",
            i % 2 == 0 ? "ru" : "en", Country: "UZ", Topics: i % 5 == 0 ? ["e-commerce"] : i % 5 == 1 ? ["data model"] : null))
            .Append(new NewSubscriber("be@x.example", "N", "Belgian Customs", Country: "BE")), Ct);

        var seen = new List<Subscriber>();
        string? continuation = null;
        var pages = 0;
        do
        {
            (var items, continuation) = await store.QueryAsync(new SubscriberFilter(Country: "uz", Language: "ru"), continuation, 5, Ct);
            seen.AddRange(items);
            pages++;
        } while (continuation is not null);
        var ecommerce = (await store.QueryAsync(new SubscriberFilter(Topic: "e-commerce"), null, 100, Ct)).Items;

        Assert.Equal(13, seen.Count);
        Assert.Equal(13, seen.Select(s => s.Id).Distinct().Count());
        Assert.All(seen, s => Assert.Equal(("UZ", "ru"), (s.Country, s.Language)));
        Assert.InRange(pages, 3, 4);
        // Those who chose e-commerce, and those who chose no topic (all topics).
        Assert.Equal(5 + 15 + 1, ecommerce.Count);
        Assert.DoesNotContain(ecommerce, s => s.TopicList.SequenceEqual(["data model"]));
    }

    [Fact]
    public void InternationalDomainIsStoredInAsciiForm()
        => Assert.Equal("info@xn--e1afmkfd.xn--p1ai", EmailAddress.Normalize("info@пример.рф"));

    [Fact]
    public void MaskedAddressHidesTheLocalPart()
        => Assert.Equal("j***@hmrc.example", EmailAddress.Mask("jane.smith@hmrc.example"));
}
