using System.Net;
using System.Text;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Topics;

/// <summary>
/// Topics from front matter, CSV and the store are the topic table's keys, so an article reaches the subscribers of its topics
/// however either side spelled them; what front matter gets wrong is a warning kept with the article, not a silent loss.
/// </summary>
public sealed class TopicResolutionTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IngestResult> PublishAsync(TestHost host, string name, string frontMatter, string body = "Body.")
    {
        await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes($"---\n{frontMatter}\n---\n{body}\n")), Ct);
        return await host.Get<ArticleIngestor>().IngestAsync(name, Ct);
    }

    private static string HtmlFor(FakeSendGrid sendGrid, string email)
        => WebUtility.HtmlDecode(sendGrid.Accepted.Single(r => r.Recipients.Contains(email)).Body.GetProperty("content")[1].GetProperty("value").GetString()!);

    [Fact]
    public async Task FrontMatterSlugsReachTheSubscribersOfDataModelAndDigestsShowTheTopicNames()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new("en@customs.example", "En", "Org", "en", Topics: ["data model"]),
            new("ru@customs.example", "Ru", "Org", "ru", Topics: ["модель данных"]),
            new("fr@customs.example", "Fr", "Org", "fr", Topics: ["Modèle de données"]),
            new("other@customs.example", "Other", "Org", "en", Topics: ["disaster relief"]),
        ], Ct);

        // The front matter of the finding, exactly.
        var result = await PublishAsync(host, "wco-workshop.md",
            "title: WCO Data Model workshop\npublished: 2026-11-20\ntopics: [data-model, green-customs, nii]\nsummary: What the workshop agreed.");
        host.Time.Advance(TimeSpan.FromHours(1));
        var run = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        Assert.Empty(result.Warnings);
        Assert.Equal(["data model", "green customs", "non-intrusive inspection"], result.Article!.Topics);
        Assert.Equal(["data model"], (await host.Get<SubscriberStore>().FindByEmailAsync("fr@customs.example", Ct))!.TopicList);
        Assert.Equal(3, run.PlannedRecipients);
        Assert.Equal(["en@customs.example", "fr@customs.example", "ru@customs.example"], sendGrid.Accepted.SelectMany(r => r.Recipients).Order());
        Assert.Contains("Data model, Green customs, Non-intrusive inspection", HtmlFor(sendGrid, "en@customs.example"));
        Assert.Contains(
            "Модель данных, «Зелёная» таможня, Неинтрузивный контроль", HtmlFor(sendGrid, "ru@customs.example"));
        Assert.Contains("Modèle de données, Douane verte, Inspection non intrusive", HtmlFor(sendGrid, "fr@customs.example"));
        // The slug is never shown (the item links to the page of wco-workshop.md, a name without it).
        Assert.DoesNotContain("data-model", HtmlFor(sendGrid, "en@customs.example"));
    }

    [Fact]
    public async Task ArticlesIndexedWithRawSlugsBeforeMatchSubscribersWithoutAReingest()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync([new("en@customs.example", "En", "Org", "en", Topics: ["data model"])], Ct);
        await PublishAsync(host, "old.md", "title: Stored by an older version\npublished: 2026-11-20\ntopics: [e-commerce]");
        // What an older version wrote: the front matter's spelling, as written.
        var index = host.Get<ArticleIndex>();
        var (stored, etag) = (await index.GetAsync("old.md", Ct))!.Value;
        Assert.True(await index.TryWriteAsync(stored with { Topics = ["data-model", "nii"] }, etag, Ct));

        Assert.Equal(["data model", "non-intrusive inspection"], (await index.GetAsync("old.md", Ct))!.Value.Article.Topics);
        host.Time.Advance(TimeSpan.FromHours(1));
        var run = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(1, run.PlannedRecipients);
        Assert.Contains("Data model, Non-intrusive inspection", HtmlFor(sendGrid, "en@customs.example"));
    }

    [Fact]
    public async Task AnUnknownFrontMatterTopicIsAWarningNamingTheKnownTopicsKeptWithTheArticle()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Morning);

        var result = await PublishAsync(host, "typo.md", "title: Data model news\ntopics: [data model, grean customs]");

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        Assert.Equal(["data model"], result.Article!.Topics);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("unknown-topic", 3), (warning.Code, warning.Line));
        Assert.StartsWith(
            "topic 'grean customs' is not a known topic and was left out. Known topics: e-commerce, data model, non-intrusive inspection, ",
            warning.Message);
        Assert.Contains("green customs", warning.Message);
        Assert.Equal([warning], (await host.Get<ArticleIndex>().GetAsync("typo.md", Ct))!.Value.Article.WarningList);

        // No known topic at all: the topics come from the text, as when none is given, and the warning says so.
        var none = await PublishAsync(host, "none.md", "title: Workshop\ntopics: [customs-ethics]", "The WCO Data Model was discussed.");
        Assert.Equal(IngestOutcome.Accepted, none.Outcome);
        Assert.Equal(["data model"], none.Article!.Topics);
        Assert.Contains("the topics were found in the text instead", Assert.Single(none.Warnings).Message);

        // Fixed: the warning goes with the new version.
        var fixedUp = await PublishAsync(host, "typo.md", "title: Data model news\ntopics: [data model, green customs]");
        Assert.Equal(IngestOutcome.Updated, fixedUp.Outcome);
        Assert.Empty((await host.Get<ArticleIndex>().GetAsync("typo.md", Ct))!.Value.Article.WarningList);
    }

    [Fact]
    public async Task SessionLocationIsThePlaceAndUnknownFieldsAreWarningsNamingTheKnownOnes()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Morning);

        var result = await PublishAsync(host, "session.md",
            "title: Policy Commission\nauthor: Press office\nsession:\n  committee: Policy Commission\n  location: Tashkent\n  room: Plenary hall");

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        Assert.Equal("Tashkent", result.Article!.SessionOrNone.Place);
        Assert.Equal([("unknown-field", 3), ("unknown-session-field", 7)], result.Warnings.Select(w => (w.Code, w.Line)));
        Assert.Contains("'author' is not known and was ignored. Known fields: title, published, language, topics,", result.Warnings[0].Message);
        Assert.Contains("'room' is not known and was ignored. Known fields: organization,", result.Warnings[1].Message);
        Assert.Contains("place (or location, venue, city)", result.Warnings[1].Message);
        Assert.Equal("Tashkent", (await host.Get<ArticleIndex>().GetAsync("session.md", Ct))!.Value.Article.SessionOrNone.Place);

        Assert.Equal("Brussels", (await PublishAsync(host, "venue.md", "title: PTC\nsession:\n  venue: Brussels")).Article!.SessionOrNone.Place);
        Assert.Empty((await PublishAsync(host, "venue.md", "title: PTC\nsession:\n  venue: Brussels")).Warnings);
    }

    [Fact]
    public async Task CsvImportStoresTopicsAsTheirKeys()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var csv = "email,name,organization,country,language,frequency,topics,time_zone,status\r\n"
            + "d.karimova@customs.uz.example,Dilnoza Karimova,Customs Committee,UZ,ru,weekly,Data-Model;модель данных;NII;green_customs,,\r\n";

        var report = await host.Get<SubscriberCsv>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), dryRun: false, "test:admin", Ct);

        Assert.Empty(report.Errors);
        Assert.Equal(["data model", "non-intrusive inspection", "green customs"],
            (await host.Get<SubscriberStore>().FindByEmailAsync("d.karimova@customs.uz.example", Ct))!.TopicList);
    }
}
