using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using SendGrid.Helpers.Mail;
using EmailAddress = Notifications.Mail.EmailAddress;
using SendGridAddress = SendGrid.Helpers.Mail.EmailAddress;
using Notifications.Mail;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications.Core.Tests.Delivery;

/// <summary>One content per batch, each recipient's own name and links through personalizations, and one-click unsubscribe that works.</summary>
public sealed class PersonalizationTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(FakeSendGrid SendGrid, TestHost Host)> SentDigestAsync(string? mailto = null)
    {
        var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Links:BaseUrl"] = "https://digests.secretariat.example";
        if (mailto is not null) settings["Delivery:UnsubscribeMailto"] = mailto;
        var host = await TestHost.StartAsync(settings, new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new NewSubscriber("a.dupont@douane.example", "Anne <Dupont> & Co", "Belgian Customs"),
            new NewSubscriber("j.smith@hmrc.example", "Jane Smith", "HMRC"),
        ], Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        return (sendGrid, host);
    }

    [Fact]
    public async Task EachPersonalizationCarriesItsOwnNameLinksAndOneClickHeader()
    {
        var (sendGrid, host) = await SentDigestAsync(mailto: "unsubscribe@secretariat.example");
        await using var _ = sendGrid;
        await using var __ = host;
        var body = Assert.Single(sendGrid.Accepted).Body;

        Assert.Equal("List-Unsubscribe=One-Click", body.GetProperty("headers").GetProperty("List-Unsubscribe-Post").GetString());
        var html = body.GetProperty("content")[1].GetProperty("value").GetString()!;
        var text = body.GetProperty("content")[0].GetProperty("value").GetString()!;
        // The rendering's own keys (random per rendering): as the digest archive recorded them.
        var keys = (await host.Get<DigestArchive>().LoadAsync("daily-2026-11-26", ct: Ct))!.Placeholders!;
        Assert.Matches("^[0-9a-f]{32}$", keys.Nonce);
        // The greeting is each recipient's own ("Dear Jane Smith,"), in the rendering's language.
        Assert.Equal("en", keys.Language);
        Assert.Contains(keys.GreetingHtml, html);
        Assert.Contains(keys.GreetingText, text);
        Assert.Contains($"href=\"{keys.UnsubscribeUrl}\"", html);
        Assert.Contains("Unsubscribe: " + keys.UnsubscribeUrl, text);

        foreach (var p in body.GetProperty("personalizations").EnumerateArray())
        {
            var email = p.GetProperty("to")[0].GetProperty("email").GetString()!;
            var id = host.Get<SubscriberStore>().IdOf(email);
            var substitutions = p.GetProperty("substitutions");
            Assert.Equal(6, substitutions.EnumerateObject().Count());
            var unsubscribe = substitutions.GetProperty(keys.UnsubscribeUrl).GetString()!;
            Assert.StartsWith("https://digests.secretariat.example/api/unsubscribe?token=", unsubscribe);
            Assert.StartsWith("https://digests.secretariat.example/api/preferences?token=", substitutions.GetProperty(keys.PreferencesUrl).GetString());
            Assert.Equal($"<{unsubscribe}>, <mailto:unsubscribe@secretariat.example?subject=unsubscribe>",
                p.GetProperty("headers").GetProperty("List-Unsubscribe").GetString());
            Assert.Equal(id, p.GetProperty("custom_args").GetProperty("subscriber_id").GetString());
            Assert.Equal(id, host.Get<SubscriptionTokens>().Verify(unsubscribe[(unsubscribe.IndexOf("token=") + 6)..], TokenPurpose.Unsubscribe).SubscriberId);
            if (email.StartsWith("a.dupont"))
            {
                Assert.Equal("Anne &lt;Dupont&gt; &amp; Co", substitutions.GetProperty(keys.NameHtml).GetString());
                Assert.Equal("Anne <Dupont> & Co", substitutions.GetProperty(keys.NameText).GetString());
                Assert.Equal("Dear Anne &lt;Dupont&gt; &amp; Co,", substitutions.GetProperty(keys.GreetingHtml).GetString());
                Assert.Equal("Dear Anne <Dupont> & Co,", substitutions.GetProperty(keys.GreetingText).GetString());
            }
        }
    }

    [Fact]
    public async Task TheOneClickLinkInASentDigestUnsubscribesAndTheNextDigestSkipsThem()
    {
        var (sendGrid, host) = await SentDigestAsync();
        await using var _ = sendGrid;
        await using var __ = host;
        var jane = Assert.Single(sendGrid.Accepted).Body.GetProperty("personalizations").EnumerateArray()
            .Single(p => p.GetProperty("to")[0].GetProperty("email").GetString() == "j.smith@hmrc.example");
        var link = new Uri(jane.GetProperty("substitutions").EnumerateObject()
            .Single(s => s.Name.StartsWith("%unsubscribe_url_", StringComparison.Ordinal)).Value.GetString()!);

        // What a mailbox provider does with List-Unsubscribe-Post: a POST with this body, no cookies.
        var pages = host.Get<SubscriptionPages>();
        var answer = await HttpCall.InvokeAsync(host.Services, r => pages.UnsubscribeAsync(r, Ct), "POST", link.Query,
            "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
        Assert.Equal(200, answer.Status);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await host.Get<SubscriberStore>().FindByEmailAsync("j.smith@hmrc.example", Ct))!.Status);

        await host.Get<ArticlePublisher>().PublishAsync("next.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: Next session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("next.md", Ct);
        host.Time.Advance(TimeSpan.FromDays(1));
        await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(["a.dupont@douane.example"], sendGrid.Accepted[1].Recipients);
    }

    [Fact]
    public void RequestsThatBreakSendGridsLimitsAreRefusedBeforeSending()
    {
        static SendGridMessage Message(int people, string? name = null) => new()
        {
            From = new SendGridAddress("d@secretariat.example"),
            Subject = "Digest",
            Personalizations = Enumerable.Range(0, people).Select(i => new Personalization { Tos = [new SendGridAddress($"p{i}@x.example", name)] }).ToList(),
        };

        SendGridMessageBuilder.CheckLimits(Message(1000));
        Assert.Contains("1000", Assert.Throws<MailNotSentException>(() => SendGridMessageBuilder.CheckLimits(Message(1001))).Message);
        var twice = Message(2);
        twice.Personalizations[1].Tos[0].Email = "P0@X.example";
        Assert.Contains("twice", Assert.Throws<MailNotSentException>(() => SendGridMessageBuilder.CheckLimits(twice)).Message);
        Assert.Contains("line break",
            Assert.Throws<MailNotSentException>(() => SendGridMessageBuilder.CheckLimits(Message(1, "Jane\r\nBcc: x@y.example"))).Message);
        var reserved = Message(1);
        reserved.Personalizations[0].Headers = new Dictionary<string, string> { ["Reply-To"] = "x@y.example" };
        Assert.Contains("reserved", Assert.Throws<MailNotSentException>(() => SendGridMessageBuilder.CheckLimits(reserved)).Message);
        var big = Message(1);
        big.Personalizations[0].CustomArgs = new Dictionary<string, string> { ["x"] = new string('a', 10_001) };
        Assert.Contains("custom_args", Assert.Throws<MailNotSentException>(() => SendGridMessageBuilder.CheckLimits(big)).Message);
    }

    [Fact]
    public async Task OutboxMessagesCarryTheRecipientsOwnNameAndLinks()
    {
        var outbox = Path.Combine(Path.GetTempPath(), "personalization-tests", Guid.NewGuid().ToString("N"));
        var settings = TestSettings.For(azurite, outbox);
        await using var host = await TestHost.StartAsync(settings, new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        await host.Get<SubscriberStore>().UpsertManyAsync([new NewSubscriber("j.smith@hmrc.example", "Jane Smith", "HMRC")], Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        host.Time.Advance(TimeSpan.FromHours(1));

        await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        var folder = Path.Combine(outbox, "daily-2026-11-26");
        var eml = OutboxMail.Read(Directory.GetFiles(folder, "*.eml").Single());
        var html = File.ReadAllText(Directory.GetFiles(folder, "*.html").Single());
        Assert.Matches(@"^<http://127\.0\.0\.1:7071/api/unsubscribe\?token=[A-Za-z0-9_-]+>$", eml.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", eml.Headers["List-Unsubscribe-Post"]);
        Assert.Contains("Dear Jane Smith,", html);
        Assert.DoesNotContain("%", html.Replace("100%", ""));
    }
}
