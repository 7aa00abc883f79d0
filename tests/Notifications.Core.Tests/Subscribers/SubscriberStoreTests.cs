using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

public sealed class SubscriberStoreTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddedSubscriberIsListedWithNormalisedAddress()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();

        var added = await store.AddAsync(new NewSubscriber("  D.Karimova@Customs.UZ.example ", "Dilnoza Karimova", "Customs Committee of Uzbekistan", "RU", DigestFrequency.Weekly), Ct);

        var listed = Assert.Single(await store.ListAsync(Ct));
        Assert.Equal(added, listed);
        Assert.Equal("d.karimova@customs.uz.example", listed.Email);
        Assert.Equal("ru", listed.Language);
        Assert.Equal(DigestFrequency.Weekly, listed.Frequency);
        Assert.Equal(SubscriberStatus.Active, listed.Status);
        Assert.Equal(EmailAddress.IdOf("d.karimova@customs.uz.example"), listed.Id);
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

    [Fact]
    public void InternationalDomainIsStoredInAsciiForm()
        => Assert.Equal("info@xn--e1afmkfd.xn--p1ai", EmailAddress.Normalize("info@пример.рф"));

    [Fact]
    public void MaskedAddressHidesTheLocalPart()
        => Assert.Equal("j***@hmrc.example", EmailAddress.Mask("jane.smith@hmrc.example"));
}
