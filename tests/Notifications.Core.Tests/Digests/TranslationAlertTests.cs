using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Digests;

/// <summary>
/// Alerts wait for their translations (Schedule:AlertGracePeriod, 10 minutes by default), on Azurite and a strict SendGrid-compatible
/// endpoint with a clock the test moves: the first file of a translation group queues a message on the alerts-due queue, visible when
/// the grace ends, which the AlertDue function hands to <see cref="AlertDue.PlanAsync"/> (called here as the trigger would, at the moment
/// the message becomes visible: the queue's own delay is real time). Each reader gets their own language, else the first accepted; a
/// translation that comes after its group's alert is alerted once, to its language's readers only.
/// </summary>
public sealed class TranslationAlertTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Russian = "title: ПТК завершил 241-ю сессию\nlanguage: ru\ntopics: [e-commerce]";
    private const string English = "title: PTC closes its 241st session\nlanguage: en\ntopics: [e-commerce]";
    private const string French = "title: Le CTP clôt sa 241e session\nlanguage: fr\ntopics: [e-commerce]";

    private sealed class Desk(TestHost host, FakeSendGrid sendGrid) : IAsyncDisposable
    {
        public TestHost Host { get; } = host;
        public FakeSendGrid SendGrid { get; } = sendGrid;

        public static async Task<Desk> StartAsync(AzuriteFixture azurite)
        {
            var sendGrid = await FakeSendGrid.StartAsync();
            var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
            settings["Delivery:RequestsPerSecond"] = "0";
            var desk = new Desk(await TestHost.StartAsync(settings, T0), sendGrid);
            foreach (var (email, language) in new[] { ("ru@customs.example", "ru"), ("en@customs.example", "en"), ("fr@customs.example", "fr") })
                await desk.Host.Get<SubscriberStore>().AddAsync(
                    new NewSubscriber(email, "Official", "Customs Administration", language, DigestFrequency.Instant, TimeZone: "UTC"), Ct);
            // Reads the daily digest of e-commerce at 08:00 with alert: true only; here, never: the test ends the same day.
            await desk.Host.Get<SubscriberStore>().AddAsync(
                new NewSubscriber("daily-fr@customs.example", "Official", "Customs Administration", "fr", DigestFrequency.Daily, TimeZone: "UTC"), Ct);
            return desk;
        }

        /// <summary>An editor drops the file at <paramref name="at"/>: the blob trigger's path (ingest, then what the alert is due).</summary>
        public async Task<IndexedArticle> PublishAsync(DateTimeOffset at, string name, string frontMatter)
        {
            Host.Time.SetUtcNow(at);
            await Host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes($"---\n{frontMatter}\n---\nText.\n")), Ct);
            var result = await Host.Get<ArticlePublished>().IngestAsync(name, Ct);
            Assert.Equal(IngestOutcome.Accepted, result.Outcome);
            return result.Article!;
        }

        /// <summary>The AlertDue function takes the group's message at <paramref name="at"/>; then SendBatch sends what it queued.</summary>
        public async Task AlertDueAsync(DateTimeOffset at, string group = "ptc")
        {
            Host.Time.SetUtcNow(at);
            await Host.Get<AlertDue>().PlanAsync(new AlertDueMessage(group), Ct);
            await SendQueuedAsync();
        }

        public Task SendQueuedAsync()
            => Host.Get<SendBatchQueue>().DrainAsync((m, t) => Host.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);

        /// <summary>Each recipient's alerts in the order they went: the text of each.</summary>
        public IReadOnlyList<string> MailsTo(string email)
            => SendGrid.Accepted.Where(r => r.Recipients.Contains(email))
                .Select(r => r.Body.GetProperty("content")[0].GetProperty("value").GetString()!).ToList();

        /// <summary>Messages on the alerts-due queue, visible or not yet.</summary>
        public async Task<int> WaitingAsync()
            => (await Host.Get<StorageResources>().AlertsDue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount;

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await SendGrid.DisposeAsync();
        }
    }

    [Fact]
    public async Task RussianThenEnglishWithinTheGraceEachReaderGetsTheirOwnLanguageElseTheFirstAccepted()
    {
        await using var d = await Desk.StartAsync(azurite);

        await d.PublishAsync(T0, "ptc.ru.md", Russian);
        Assert.Equal(1, await d.WaitingAsync()); // the group's alert waits, hidden on the alerts-due queue until T0 + 10 min
        await d.PublishAsync(T0.AddMinutes(4), "ptc.en.md", English);
        await d.SendQueuedAsync();
        Assert.Empty(d.SendGrid.Accepted); // nothing went out within the grace
        Assert.Null(await d.Host.Get<DigestRunStore>().GetAsync(DigestFrequency.Instant, DigestPeriod.AlertKey("ptc"), Ct));

        await d.AlertDueAsync(T0.AddMinutes(10));

        Assert.Contains("ПТК завершил 241-ю сессию", Assert.Single(d.MailsTo("ru@customs.example")));
        Assert.Contains("PTC closes its 241st session", Assert.Single(d.MailsTo("en@customs.example")));
        // No French file: the first accepted one (the rule digests follow too: own language, else the first accepted).
        Assert.Contains("ПТК завершил 241-ю сессию", Assert.Single(d.MailsTo("fr@customs.example")));
        Assert.Empty(d.MailsTo("daily-fr@customs.example")); // daily readers get no alert without alert: true
        var run = (await d.Host.Get<DigestRunStore>().GetAsync(DigestFrequency.Instant, DigestPeriod.AlertKey("ptc"), Ct))!;
        Assert.Equal((DigestRunStatus.Completed, 3, 2), (run.Status, run.RecipientCount, run.ArticleCount));
    }

    [Fact]
    public async Task AnAlertDueMessageThatComesEarlyPlansNothingAndWaitsForTheRestOfTheGrace()
    {
        await using var d = await Desk.StartAsync(azurite);
        await d.PublishAsync(T0, "ptc.en.md", English);

        await d.AlertDueAsync(T0.AddMinutes(6)); // a clock ahead of the queue's: too early

        Assert.Empty(d.SendGrid.Accepted);
        Assert.Equal(2, await d.WaitingAsync()); // put back for the 4 minutes left (the trigger deletes the one it took)
        await d.AlertDueAsync(T0.AddMinutes(10));
        Assert.Single(d.MailsTo("en@customs.example"));
    }

    [Fact]
    public async Task ALateFrenchTranslationIsAlertedOnceToFrenchReadersOnlyEvenWhenTheTriggersRunAgain()
    {
        await using var d = await Desk.StartAsync(azurite);
        await d.PublishAsync(T0, "ptc.en.md", English);
        await d.AlertDueAsync(T0.AddMinutes(10));
        Assert.Equal(3, d.SendGrid.Accepted.Sum(r => r.Recipients.Count)); // en to all three: the only file then

        var waiting = await d.WaitingAsync(); // the en file's message, taken here by the test rather than the queue trigger
        var french = await d.PublishAsync(T0.AddMinutes(40), "ptc.fr.md", French);
        Assert.Equal(waiting, await d.WaitingAsync()); // the group's alert went: no wait, the translation's alert is planned at once
        await d.SendQueuedAsync();
        // Redelivered: the blob trigger again, the alerts-due message again, and the hourly timer.
        await d.Host.Get<ArticlePublished>().AlertAsync(french, Ct);
        await d.AlertDueAsync(T0.AddMinutes(45));
        d.Host.Time.SetUtcNow(T0.AddHours(1));
        await d.Host.Get<HourPassed>().RunDueAsync(T0.AddHours(1), Ct);
        await d.SendQueuedAsync();

        var fr = d.MailsTo("fr@customs.example");
        Assert.Equal(2, fr.Count); // the group's alert in English, then their own language's, once
        Assert.Contains("PTC closes its 241st session", fr[0]);
        Assert.Contains("Le CTP clôt sa 241e session", fr[1]);
        Assert.Single(d.MailsTo("en@customs.example"));   // never replaced by French
        Assert.Single(d.MailsTo("ru@customs.example"));
        Assert.Empty(d.MailsTo("daily-fr@customs.example"));
        var late = (await d.Host.Get<DigestRunStore>().GetAsync(DigestFrequency.Instant, DigestPeriod.LateTranslationKey("ptc", "fr"), Ct))!;
        Assert.Equal((DigestRunStatus.Completed, 1), (late.Status, late.RecipientCount));
    }

    [Fact]
    public async Task AnAlertArticlesLateTranslationGoesToItsLanguagesTopicFollowersWhateverTheirFrequency()
    {
        await using var d = await Desk.StartAsync(azurite);
        await d.PublishAsync(T0, "ptc.en.md", English + "\nalert: true");
        await d.AlertDueAsync(T0.AddMinutes(10));
        Assert.Single(d.MailsTo("daily-fr@customs.example")); // alert: true reaches the daily reader, in English then

        await d.PublishAsync(T0.AddMinutes(30), "ptc.fr.md", French + "\nalert: true");
        await d.SendQueuedAsync();

        Assert.Contains("Le CTP clôt sa 241e session", d.MailsTo("daily-fr@customs.example")[1]);
        Assert.Contains("Le CTP clôt sa 241e session", d.MailsTo("fr@customs.example")[1]);
        Assert.Single(d.MailsTo("en@customs.example"));
        Assert.Single(d.MailsTo("ru@customs.example"));
    }

    [Fact]
    public async Task TheHourlyTimerAlertsAGroupWhoseAlertDueMessageWasLostButNotBeforeTheGraceEnds()
    {
        await using var d = await Desk.StartAsync(azurite);
        await d.PublishAsync(T0, "ptc.ru.md", Russian);
        await d.PublishAsync(T0.AddMinutes(2), "ptc.en.md", English);

        d.Host.Time.SetUtcNow(T0.AddMinutes(5));
        await d.Host.Get<HourPassed>().RunDueAsync(T0.AddMinutes(5), Ct); // a timer that runs late into the grace: nothing yet
        Assert.Empty(d.SendGrid.Accepted);

        d.Host.Time.SetUtcNow(T0.AddHours(1));
        await d.Host.Get<HourPassed>().RunDueAsync(T0.AddHours(1), Ct);

        Assert.Contains("ПТК завершил 241-ю сессию", Assert.Single(d.MailsTo("ru@customs.example")));
        Assert.Contains("PTC closes its 241st session", Assert.Single(d.MailsTo("en@customs.example")));
    }

    [Fact]
    public async Task WithNoGraceTheAlertIsPlannedWhenTheFirstFileIsAccepted()
    {
        var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Schedule:AlertGracePeriod"] = "00:00:00";
        await using var d = new Desk(await TestHost.StartAsync(settings, T0), sendGrid);
        await d.Host.Get<SubscriberStore>().AddAsync(
            new NewSubscriber("en@customs.example", "Official", "Customs Administration", "en", DigestFrequency.Instant, TimeZone: "UTC"), Ct);

        await d.PublishAsync(T0, "ptc.en.md", English);
        await d.SendQueuedAsync();

        Assert.Single(d.MailsTo("en@customs.example"));
        Assert.Equal(0, await d.WaitingAsync());
    }
}
