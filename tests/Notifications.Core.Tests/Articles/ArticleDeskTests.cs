using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// The editors' desk over the single path (<see cref="ArticleDesk"/>): a draft is checked and previewed as ingest would take it without
/// anything written; publishing writes the blob and ingests it as the blob trigger does, and says what happened. On Azurite.
/// </summary>
public sealed class ArticleDeskTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ArticleDraft Draft(string name, string title, string extra = "", string body = "The committee met and agreed its work programme.")
        => new(name, Encoding.UTF8.GetBytes(
            $"---\ntitle: {title}\ntopics: [e-commerce]\npublished: 2026-11-25\nurl: https://secretariat.example/news/x\n{extra}---\n{body}\n"));

    private async Task<TestHost> StartAsync(string? outbox = null)
        => await TestHost.StartAsync(TestSettings.For(azurite, outbox), Morning);

    private static Task AddAsync(TestHost host, string email, string language = "en", DigestFrequency frequency = DigestFrequency.Instant)
        => host.Get<SubscriberStore>().AddAsync(new NewSubscriber(email, "Reader", "Customs", Language: language, Frequency: frequency), Ct);

    [Fact]
    public async Task CheckTakesTheDraftAsIngestWouldAndWritesNothing()
    {
        await using var host = await StartAsync();
        var desk = host.Get<ArticleDesk>();
        var draft = Draft("2026/ptc-243.en.md", "PTC closes its 243rd session", "colour: blue\n", "The committee met for **three days**.");

        var check = await desk.CheckAsync(draft, Ct);

        var article = check.Article!;
        Assert.Equal(ArticleStatus.Accepted, article.Status);
        Assert.Equal("PTC closes its 243rd session", article.Title);
        Assert.Equal(["e-commerce"], article.Topics);
        Assert.Equal("2026/ptc-243", article.TranslationKey);
        Assert.Equal(Morning, article.AvailableAt);
        Assert.Null(check.Rejection);
        Assert.Contains("<strong>three days</strong>", check.BodyHtml);
        Assert.Contains(check.Warnings, w => w.Code == "unknown-field" && w.Line == 6);
        Assert.False(await host.Get<StorageResources>().Articles.GetBlobClient(draft.BlobName).ExistsAsync(Ct));
        Assert.Empty(await host.Get<ArticleIndex>().ListAsync(ct: Ct));

        var outcome = await desk.PublishAsync(draft, Ct);
        var indexed = outcome.Article!;
        Assert.Equal((article.Status, article.Title, article.Summary, article.ContentHash, article.TranslationKey, article.AvailableAt, article.AcceptedAt),
            (indexed.Status, indexed.Title, indexed.Summary, indexed.ContentHash, indexed.TranslationKey, indexed.AvailableAt, indexed.AcceptedAt));
        Assert.Equal(article.Topics, indexed.Topics);
    }

    [Fact]
    public async Task CheckSaysHeldDraftDuplicateAndRejectedAsIngestWould()
    {
        await using var host = await StartAsync();
        var desk = host.Get<ArticleDesk>();
        await desk.PublishAsync(Draft("2026/first.en.md", "First"), Ct);

        var later = await desk.CheckAsync(new ArticleDraft("2026/later.en.md",
            Encoding.UTF8.GetBytes("---\ntitle: Later\npublished: 2026-12-01T09:00:00+01:00\n---\nText.\n")), Ct);
        var draft = (await desk.CheckAsync(Draft("2026/draft.en.md", "Draft", "draft: true\n"), Ct)).Article!;
        var duplicate = (await desk.CheckAsync(Draft("2026/copy.en.md", "First"), Ct)).Article!;
        var rejected = await desk.CheckAsync(new ArticleDraft("2026/bad.en.md", Encoding.UTF8.GetBytes("---\ntitle: T\nalert: maybe\n---\nText.\n")), Ct);

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), later.Article!.AvailableAt);
        Assert.Equal(ArticleStatus.Draft, draft.Status);
        Assert.Equal((ArticleStatus.Duplicate, "2026/first.en.md"), (duplicate.Status, duplicate.DuplicateOf));
        Assert.Equal(ArticleStatus.Rejected, rejected.Article!.Status);
        Assert.Equal(("invalid-alert", 3), (rejected.Rejection!.Code, rejected.Rejection.Line));
        Assert.Equal("Write 'alert: true' or 'alert: false'.", rejected.Rejection.Hint);
        Assert.Empty(rejected.Warnings);
    }

    [Fact]
    public async Task CheckWarnsOfATranslationMissingForALanguageActiveSubscribersRead()
    {
        await using var host = await StartAsync();
        var desk = host.Get<ArticleDesk>();
        await AddAsync(host, "ru@customs.example", "ru", DigestFrequency.Daily);
        await AddAsync(host, "fr@customs.example", "fr", DigestFrequency.Daily);
        await desk.PublishAsync(Draft("2026/ptc-243.fr.md", "Le CTP clôt sa 243e session", "language: fr\n"), Ct);

        var check = await desk.CheckAsync(Draft("2026/ptc-243.en.md", "PTC closes its 243rd session"), Ct);

        var missing = Assert.Single(check.Warnings, w => w.Code == "missing-translations");
        Assert.Contains("(Russian)", missing.Message);
    }

    [Fact]
    public async Task PreviewShowsEachLanguageItsTranslationOrTheDraftMarkedWithItsLanguage()
    {
        await using var host = await StartAsync();
        var desk = host.Get<ArticleDesk>();
        await desk.PublishAsync(Draft("2026/ptc-243.fr.md", "Le CTP clôt sa 243e session", "language: fr\n"), Ct);

        var previews = await desk.PreviewAsync(Draft("2026/ptc-243.en.md", "PTC closes its 243rd session", "language: en\n"), Ct);

        Assert.Equal(["en", "ru", "fr"], previews.Select(p => p.Language));
        var (en, ru, fr) = (previews[0], previews[1], previews[2]);
        Assert.True(en.InLanguage);
        Assert.Contains("PTC closes its 243rd session", en.Digest.Html);
        Assert.Contains("PTC closes its 243rd session", en.Alert.Html);
        Assert.NotEqual(en.Digest.Html, en.Alert.Html);
        Assert.True(fr.InLanguage);
        Assert.Contains("Le CTP clôt sa 243e session", fr.Digest.Html);
        Assert.DoesNotContain("PTC closes", fr.Digest.Html);
        Assert.False(ru.InLanguage);
        Assert.Contains("PTC closes its 243rd session", ru.Digest.Text);
        Assert.Contains("на английском языке", ru.Digest.Text);
        Assert.Contains("на английском языке", ru.Alert.Html);
        foreach (var p in previews)
            foreach (var part in new[] { p.Digest.Html, p.Digest.Text, p.Alert.Html, p.Alert.Text })
                Assert.DoesNotMatch("%(recipient_name|unsubscribe_url|preferences_url)", part);
        Assert.Contains("Дильноза Каримова", ru.Digest.Text);
        Assert.Contains(host.Get<SubscriptionLinks>().Unsubscribe(DigestSamples.SampleId)!, en.Alert.Text);
        Assert.Equal(["2026/ptc-243.fr.md"], (await host.Get<ArticleIndex>().ListAsync(ct: Ct)).Select(a => a.BlobName));
        Assert.Empty(await desk.PreviewAsync(new ArticleDraft("2026/bad.en.md", Encoding.UTF8.GetBytes("---\ntitle: T\nalert: maybe\n---\nx\n")), Ct));
    }
}
