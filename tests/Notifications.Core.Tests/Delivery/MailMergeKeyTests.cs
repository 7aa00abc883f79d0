using System.Text;
using System.Text.RegularExpressions;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// An article cannot make a digest carry a recipient's own values: the keys SendGrid and the outbox substitute are random per
/// rendering, and key-shaped text in an article is made inert.
/// </summary>
public sealed class MailMergeKeyTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What the reproduction published: an article whose link (and text) name the recipient's keys.</summary>
    private const string HarvestingArticle = """
        ---
        title: "PTC session %recipient_name_text% %unsubscribe_url%"
        summary: "Update your %preferences_url% or %unsubscribe_url% here"
        url: "https://evil.example/collect?u=%unsubscribe_url%&p=%preferences_url%"
        ---
        Body.
        """;

    private static readonly NewSubscriber[] People =
    [
        new("a.dupont@douane.example", "Anne Dupont", "Belgian Customs"),
        new("j.smith@hmrc.example", "Jane Smith", "HMRC"),
        new("k.mueller@zoll.example", "Karl Müller", "Zoll"),
    ];

    private static async Task<TestHost> SentDigestAsync(Dictionary<string, string?> settings)
    {
        settings["Links:BaseUrl"] = "https://digests.secretariat.example";
        var host = await TestHost.StartAsync(settings, new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        await host.Get<SubscriberStore>().UpsertManyAsync(People, Ct);
        await host.Get<ArticlePublisher>().PublishAsync("harvest.md", new MemoryStream(Encoding.UTF8.GetBytes(HarvestingArticle)), Ct);
        var ingested = await host.Get<ArticleIngestor>().IngestAsync("harvest.md", Ct);
        host.Time.Advance(TimeSpan.FromHours(1));
        var run = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        Assert.Equal(People.Length, run.RecipientsSentNow);
        return host;
    }

    [Fact]
    public async Task AnArticleNamingTheKeysGetsNoRecipientsTokenThroughSendGrid()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await SentDigestAsync(TestSettings.For(azurite).WithSendGrid(sendGrid));

        var delivered = Assert.Single(sendGrid.Accepted).Delivered;
        Assert.Equal(People.Length, delivered.Count);
        foreach (var message in delivered)
        {
            var (unsubscribe, preferences) = LinksOf(host, message.To);
            // The footer has the recipient's own links (so the substitution works), and the List-Unsubscribe header.
            Assert.Contains($"href=\"{unsubscribe}\"", message.Html);
            Assert.Equal($"<{unsubscribe}>", message.Headers["List-Unsubscribe"]);
            var headers = string.Join("\n", message.Headers.Where(h => h.Key != "List-Unsubscribe").Select(h => h.Key + ": " + h.Value));
            AssertTokensOnlyInFooter(unsubscribe, preferences, message.Subject + "\n" + headers, message.Html, message.Text);
            Assert.Contains("https://evil.example/collect?u=%25unsubscribe_url%25", message.Html);
        }
    }

    [Fact]
    public async Task AnArticleNamingTheKeysGetsNoRecipientsTokenThroughTheOutbox()
    {
        await using var host = await SentDigestAsync(TestSettings.For(azurite));

        var folder = Path.Combine(host.Get<OutboxTransport>().OutboxPath, "daily-2026-11-26");
        foreach (var person in People)
        {
            var (unsubscribe, preferences) = LinksOf(host, person.Email);
            var id = host.Get<SubscriberStore>().IdOf(person.Email);
            var html = await File.ReadAllTextAsync(Path.Combine(folder, id + ".html"), Ct);
            var eml = OutboxMail.Read(Path.Combine(folder, id + ".eml"));
            Assert.Equal($"<{unsubscribe}>", eml.Headers["List-Unsubscribe"]);
            var otherHeaders = string.Join("\r\n", eml.Headers.Where(h => h.Field != "List-Unsubscribe").Select(h => $"{h.Field}: {h.Value}"));
            var subject = eml.Subject;
            var text = eml.TextBody ?? throw new InvalidOperationException("No text/plain part in the message.");
            Assert.Equal(html, eml.HtmlBody);
            Assert.Contains($"href=\"{unsubscribe}\"", html);
            AssertTokensOnlyInFooter(unsubscribe, preferences, otherHeaders + "\n" + subject, html, text);
        }
    }

    [Fact]
    public async Task TheArchiveKeepsEachRenderingsKeysAndADigestArchivedBeforeThemStillSends()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        var archive = host.Get<DigestArchive>();
        var keys = MailPlaceholders.New() with { Language = "ru" };
        await archive.SaveAsync("daily-2026-11-26", "en", new MailContent("S", $"<a href=\"{keys.UnsubscribeUrl}\">x</a>", "T", keys), Ct);
        // As archived before keys had a nonce: the same blobs, no metadata.
        var storage = host.Get<Notifications.Storage.StorageResources>();
        foreach (var (name, text) in new[] { ("subject.txt", "S"), ("digest.html", "<a href=\"%unsubscribe_url%\">x</a>"), ("digest.txt", "T") })
            await storage.Digests.GetBlobClient("daily-2026-11-25/en/" + name).UploadAsync(BinaryData.FromString(text), Ct);

        var loaded = await archive.LoadAsync("daily-2026-11-26", "en", Ct);
        var legacy = await archive.LoadAsync("daily-2026-11-25", "en", Ct);

        Assert.Equal(keys, loaded!.Placeholders);
        Assert.Equal(MailPlaceholders.Legacy, legacy!.Placeholders);
        var someone = new Recipient("id", "a@x.example", "A", "https://u.example/unsubscribe", null);
        Assert.Equal("<a href=\"https://u.example/unsubscribe\">x</a>", legacy.Placeholders!.Apply(legacy.Html, someone));
        Assert.Equal("<a href=\"https://u.example/unsubscribe\">x</a>", loaded.Placeholders!.Apply(loaded.Html, someone));
    }

    [Fact]
    public void ANoticeWithoutKeysHasNoSubstitutionsAtAll()
    {
        var builder = new SendGridMessageBuilder(
            Microsoft.Extensions.Options.Options.Create(new DeliveryOptions { FromEmail = "digests@secretariat.example" }));
        var notice = new MailBatch("confirm-1", "notice", "confirm", new MailContent("Confirm", "<p>%unsubscribe_url%</p>", "%unsubscribe_url%"),
            [new Recipient("id1", "a@x.example", "A", "https://u.example/unsubscribe?token=secret")]);
        var json = builder.Build(notice).Serialize();
        Assert.DoesNotContain("substitutions", json);
    }

    [Fact]
    public void KeyShapedTextInArticleFieldsIsMadeInert()
    {
        Assert.Equal("https://x.example/?u=%25unsubscribe_url%25&q=a%20b", MergeFieldText.Url("https://x.example/?u=%unsubscribe_url%&q=a%20b"));
        Assert.Equal("Read \uFF05preferences_url\uFF05, 50% off, 20%-30%", MergeFieldText.Text("Read %preferences_url%, 50% off, 20%-30%"));
        Assert.Equal("\uFF05a\uFF05b%", MergeFieldText.Text("%a%b%"));
        Assert.False(MergeFieldText.HasKeyShape(MergeFieldText.Url("%a%b%c%%d%")));
        Assert.False(MergeFieldText.HasKeyShape(MergeFieldText.Text("%recipient_name_html_0123%")));
    }

    private static (string Unsubscribe, string Preferences) LinksOf(TestHost host, string email)
    {
        var links = host.Get<SubscriptionLinks>();
        var id = host.Get<SubscriberStore>().IdOf(email);
        return (links.Unsubscribe(id), links.Preferences(id));
    }

    /// <summary>
    /// Each token appears only in the footer: the links in <c>href="…"</c> of the HTML and on the "Preferences:"/"Unsubscribe:" lines
    /// of the text. Anywhere else (an article's link, its title in the subject, its summary) it would be harvested.
    /// </summary>
    private static void AssertTokensOnlyInFooter(string unsubscribe, string preferences, string other, string html, string text)
    {
        Assert.Contains($"href=\"{preferences}\"", html);
        Assert.Contains($"Unsubscribe: {unsubscribe}", text);
        Assert.Contains($"Manage your subscription: {preferences}", text);
        var htmlRest = html.Replace($"href=\"{unsubscribe}\"", "").Replace($"href=\"{preferences}\"", "");
        var textRest = Regex.Replace(text, $@"(?m)^(Unsubscribe: {Regex.Escape(unsubscribe)}|Manage your subscription: {Regex.Escape(preferences)})\r?$", "");
        foreach (var url in new[] { unsubscribe, preferences })
        {
            var token = url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..];
            Assert.DoesNotContain(token, htmlRest);
            Assert.DoesNotContain(token, textRest);
            Assert.DoesNotContain(token, other);
        }
    }
}
