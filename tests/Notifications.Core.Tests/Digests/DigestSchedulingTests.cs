using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Digests;

/// <summary>
/// The hourly timer end to end (Azurite and a strict SendGrid-compatible endpoint): a FakeTimeProvider walks hour by hour and each hour
/// runs what the timer runs (<see cref="HourPassed.RunDueAsync"/>, sending inline). Who got which article at which local time is read
/// from the requests SendGrid accepted.
/// </summary>
public sealed class DigestSchedulingTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A host whose clock the test moves, with every mail SendGrid accepted and the hour it went out.</summary>
    private sealed class Pipeline(TestHost host, FakeSendGrid sendGrid) : IAsyncDisposable
    {
        public TestHost Host { get; } = host;
        public FakeSendGrid SendGrid { get; } = sendGrid;
        public List<(DateTimeOffset At, IReadOnlyList<string> To, string Text)> Mails { get; } = [];

        public static async Task<Pipeline> StartAsync(AzuriteFixture azurite, DateTimeOffset start, Action<Dictionary<string, string?>>? configure = null)
        {
            var sendGrid = await FakeSendGrid.StartAsync();
            var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
            settings["Delivery:RequestsPerSecond"] = "0";
            configure?.Invoke(settings);
            return new Pipeline(await TestHost.StartAsync(settings, start), sendGrid);
        }

        public T Get<T>() where T : notnull => Host.Get<T>();

        public Task<Subscriber> SubscribeAsync(string email, string timeZone, DigestFrequency frequency = DigestFrequency.Daily, string[]? topics = null)
            => Get<SubscriberStore>().AddAsync(
                new NewSubscriber(email, "Official", "Customs Administration", "en", frequency, TimeZone: timeZone, Topics: topics), Ct);

        public Task ChangeAsync(Subscriber subscriber, Func<Subscriber, Subscriber> change)
            => Get<SubscriberStore>().UpdateAsync(subscriber.Id, change, Ct);

        /// <summary>An editor drops a file into <c>articles</c> now: the blob trigger's path (ingest, then the instant alert is planned).</summary>
        public async Task PublishAsync(string title, string frontMatter = "topics: [e-commerce]")
        {
            var name = title.ToLowerInvariant().Replace(' ', '-') + ".md";
            await Get<ArticlePublisher>().PublishAsync(
                name, new MemoryStream(Encoding.UTF8.GetBytes($"---\ntitle: {title}\n{frontMatter}\n---\nBody of {title}.\n")), Ct);
            var result = await Get<ArticlePublished>().IngestAsync(name, Ct);
            Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        }

        /// <summary>The hourly timer at <paramref name="at"/>, and the sending of what it planned.</summary>
        public async Task TickAsync(DateTimeOffset at)
        {
            if (at > Host.Time.GetUtcNow()) Host.Time.SetUtcNow(at);
            var before = SendGrid.Accepted.Count;
            await Get<HourPassed>().RunDueAsync(at, Ct);
            foreach (var request in SendGrid.Accepted.Skip(before))
                Mails.Add((at, request.Recipients, request.Body.GetProperty("content")[0].GetProperty("value").GetString()!));
        }

        /// <summary>Every hour from <paramref name="from"/> through <paramref name="through"/>; <paramref name="each"/> runs after each tick.</summary>
        public async Task TicksAsync(DateTimeOffset from, DateTimeOffset through, Func<DateTimeOffset, Task>? each = null)
        {
            for (var at = from; at <= through; at = at.AddHours(1))
            {
                await TickAsync(at);
                if (each is not null) await each(at);
            }
        }

        public IReadOnlyList<(DateTimeOffset At, string Text)> MailsTo(string email)
            => Mails.Where(m => m.To.Contains(email)).Select(m => (m.At, m.Text)).ToList();

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await SendGrid.DisposeAsync();
        }
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();

    private static void ReceivedEachOnce(IEnumerable<string> texts, params string[] titles)
    {
        var all = texts.ToList();
        foreach (var title in titles)
            Assert.True(all.Count(t => t.Contains(title, StringComparison.Ordinal)) == 1,
                $"'{title}' was in {all.Count(t => t.Contains(title, StringComparison.Ordinal))} mails, not 1.");
    }

    [Theory]
    [InlineData("Europe/Brussels", "2027-03-26T00:00Z")]   // spring forward on Sunday 28 March: 08:00 goes from 07:00 to 06:00 UTC
    [InlineData("Europe/Brussels", "2026-10-23T00:00Z")]   // fall back on Sunday 25 October: from 06:00 to 07:00 UTC
    [InlineData("America/New_York", "2027-03-12T00:00Z")]  // spring forward on 14 March: from 13:00 to 12:00 UTC
    [InlineData("America/New_York", "2026-10-30T00:00Z")]  // fall back on 1 November: from 12:00 to 13:00 UTC
    [InlineData("Asia/Baku", "2027-03-26T00:00Z")]         // no DST: always 04:00 UTC
    [InlineData("Asia/Tashkent", "2026-10-23T00:00Z")]     // no DST: always 03:00 UTC
    public async Task DailyDigestArrivesAtEightLocalEveryDayAcrossDaylightSavingChanges(string zone, string start)
    {
        var day0 = Utc(start);
        await using var p = await Pipeline.StartAsync(azurite, day0);
        await p.SubscribeAsync("reader@customs.example", zone);

        // An article every day at 18:00 UTC (evening everywhere here); the timer every hour for four days.
        var titles = new List<string>();
        await p.TicksAsync(day0, day0.AddDays(4).AddHours(-1), async at =>
        {
            if (at.Hour != 18) return;
            titles.Add($"Report of {at:yyyy-MM-dd}");
            await p.PublishAsync(titles[^1]);
        });

        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var mails = p.MailsTo("reader@customs.example");
        // Days 1, 2 and 3, each in the morning at 08:00 local time, with the previous evening's article only.
        Assert.Equal(3, mails.Count);
        Assert.All(mails, m => Assert.Equal(new TimeOnly(8, 0), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(m.At, tz).DateTime)));
        Assert.Equal(3, mails.Select(m => TimeZoneInfo.ConvertTime(m.At, tz).Date).Distinct().Count());
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains(titles[i], mails[i].Text);
            Assert.Equal(1, titles.Count(t => mails[i].Text.Contains(t, StringComparison.Ordinal)));
        }
        Assert.DoesNotContain(mails, m => m.Text.Contains(titles[3], StringComparison.Ordinal)); // published after the last morning
    }

    [Fact]
    public async Task SubscribersOwnDeliveryHourIsUsedInsteadOfTheDefault()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0);
        await p.SubscribeAsync("default@customs.example", "Europe/Brussels");
        await p.Get<SubscriberStore>().AddAsync(
            new NewSubscriber("early@customs.example", "Early", "Customs", TimeZone: "Europe/Brussels", DeliveryHour: 6), Ct);
        await p.Get<SubscriberStore>().AddAsync(
            new NewSubscriber("evening@customs.example", "Evening", "Customs", TimeZone: "Asia/Tashkent", DeliveryHour: 19), Ct);
        p.Host.Time.SetUtcNow(day0.AddHours(1));
        await p.PublishAsync("Night report");

        await p.TicksAsync(day0.AddHours(1), day0.AddHours(23));

        // 06:00 and 08:00 in Brussels (UTC+1), 19:00 in Tashkent (UTC+5).
        Assert.Equal([day0.AddHours(5)], p.MailsTo("early@customs.example").Select(m => m.At));
        Assert.Equal([day0.AddHours(7)], p.MailsTo("default@customs.example").Select(m => m.At));
        Assert.Equal([day0.AddHours(14)], p.MailsTo("evening@customs.example").Select(m => m.At));
    }

    [Fact]
    public async Task DeliveryHourThatDoesNotExistOnTheSpringForwardDayComesRightAfterTheGap()
    {
        var day0 = Utc("2027-03-27T00:00Z"); // Saturday; on Sunday 28 March Brussels skips from 02:00 to 03:00
        await using var p = await Pipeline.StartAsync(azurite, day0, s => s["Schedule:DeliveryHour"] = "2");
        await p.SubscribeAsync("reader@customs.example", "Europe/Brussels");
        await p.TicksAsync(day0, day0.AddDays(3), async at =>
        {
            if (at.Hour == 18) await p.PublishAsync($"Report of {at:yyyy-MM-dd}");
        });

        // 02:00 CET = 01:00 UTC on Sunday; on Sunday 02:00 does not exist: 03:00 CEST = 01:00 UTC; then 02:00 CEST = 00:00 UTC.
        Assert.Equal([Utc("2027-03-28T01:00Z"), Utc("2027-03-29T00:00Z"), Utc("2027-03-30T00:00Z")], p.MailsTo("reader@customs.example").Select(m => m.At));
    }

    [Fact]
    public async Task AfterHoursOfMissedTimerRunsOneDigestGoesOutNotABurst()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0);
        await p.SubscribeAsync("reader@customs.example", "Europe/Brussels"); // 08:00 = 07:00 UTC
        p.Host.Time.SetUtcNow(day0.AddHours(2));
        await p.PublishAsync("Before the outage");
        await p.TicksAsync(day0, day0.AddHours(7));

        // The host is down from 08:00 UTC on day 0 to 09:00 UTC on day 2; editors keep publishing.
        p.Host.Time.SetUtcNow(day0.AddHours(18));
        await p.PublishAsync("During the outage one");
        p.Host.Time.SetUtcNow(day0.AddDays(1).AddHours(18));
        await p.PublishAsync("During the outage two");
        await p.TicksAsync(day0.AddDays(2).AddHours(9), day0.AddDays(3).AddHours(6));

        var mails = p.MailsTo("reader@customs.example");
        Assert.Equal([day0.AddHours(7), day0.AddDays(2).AddHours(9)], mails.Select(m => m.At));
        Assert.Contains("Before the outage", mails[0].Text);
        Assert.Contains("During the outage one", mails[1].Text);
        Assert.Contains("During the outage two", mails[1].Text);
        Assert.DoesNotContain("Before the outage", mails[1].Text);
    }

    [Fact]
    public async Task DigestLaterThanTheLimitIsMergedIntoTheNextOneNotSentStale()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0, s => s["Schedule:LatenessLimit"] = "02:00:00");
        await p.SubscribeAsync("reader@customs.example", "Europe/Brussels"); // 08:00 = 07:00 UTC
        p.Host.Time.SetUtcNow(day0.AddHours(2));
        await p.PublishAsync("Monday report");
        await p.TicksAsync(day0, day0.AddHours(20), async at =>
        {
            if (at.Hour == 18) await p.PublishAsync("Evening report");
        });

        // Down from 21:00 on day 0 until 10:00 on day 1: that morning's digest would be 3 hours late, over the 2-hour limit.
        await p.TicksAsync(day0.AddDays(1).AddHours(10), day0.AddDays(2).AddHours(8), async at =>
        {
            if (at.Hour == 18) await p.PublishAsync("Next evening report");
        });

        var mails = p.MailsTo("reader@customs.example");
        Assert.Equal([day0.AddHours(7), day0.AddDays(2).AddHours(7)], mails.Select(m => m.At));
        Assert.Contains("Evening report", mails[1].Text);
        Assert.Contains("Next evening report", mails[1].Text);
        ReceivedEachOnce(mails.Select(m => m.Text), "Monday report", "Evening report", "Next evening report");
    }

    [Fact]
    public async Task ChangingTimeZoneAndFrequencyNeverSendsAnArticleTwice()
    {
        var friday = Utc("2026-11-27T00:00Z");
        await using var p = await Pipeline.StartAsync(azurite, friday);
        var reader = await p.SubscribeAsync("reader@customs.example", "Europe/Brussels");
        p.Host.Time.SetUtcNow(friday.AddHours(2));
        await p.PublishAsync("Report A");

        await p.TicksAsync(friday, friday.AddHours(23), async at =>
        {
            if (at.Hour == 12) await p.ChangeAsync(reader, s => s with { TimeZone = "Asia/Tashkent" }); // 08:00 there is 03:00 UTC
            if (at.Hour == 18) await p.PublishAsync("Report B");
        });
        await p.TicksAsync(friday.AddDays(1), friday.AddDays(3).AddHours(2), async at =>
        {
            if (at == friday.AddDays(1).AddHours(4)) await p.ChangeAsync(reader, s => s with { Frequency = DigestFrequency.Weekly });
            if (at == friday.AddDays(1).AddHours(18)) await p.PublishAsync("Report C");
        });
        // Monday 08:00 in Tashkent (03:00 UTC): the weekly digest. Then back to daily, in New York (08:00 = 13:00 UTC).
        await p.TicksAsync(friday.AddDays(3).AddHours(3), friday.AddDays(4).AddHours(20), async at =>
        {
            if (at == friday.AddDays(3).AddHours(4))
                await p.ChangeAsync(reader, s => s with { Frequency = DigestFrequency.Daily, TimeZone = "America/New_York" });
            if (at == friday.AddDays(3).AddHours(10)) await p.PublishAsync("Report D");
        });

        var mails = p.MailsTo("reader@customs.example");
        Assert.Equal(
            [friday.AddHours(7), friday.AddDays(1).AddHours(3), friday.AddDays(3).AddHours(3), friday.AddDays(3).AddHours(13)],
            mails.Select(m => m.At));
        foreach (var (mail, title) in mails.Zip((string[])["Report A", "Report B", "Report C", "Report D"]))
            Assert.Contains(title, mail.Text);
        ReceivedEachOnce(mails.Select(m => m.Text), "Report A", "Report B", "Report C", "Report D");
    }

    [Fact]
    public async Task DaysWithoutNewArticlesSendNoDigest()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0);
        await p.SubscribeAsync("reader@customs.example", "Asia/Baku");
        await p.TicksAsync(day0, day0.AddDays(4), async at =>
        {
            if (at == day0.AddDays(1).AddHours(12)) await p.PublishAsync("The only report");
        });

        var mail = Assert.Single(p.MailsTo("reader@customs.example"));
        Assert.Equal(day0.AddDays(2).AddHours(4), mail.At); // 08:00 in Baku the morning after
        Assert.Contains("The only report", mail.Text);
    }

    [Fact]
    public async Task FirstDigestLooksBackFromSubscriptionOnlyAsFarAsConfigured()
    {
        var day0 = Utc("2026-11-17T12:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0, s => s["Schedule:FirstDigestLookBack"] = "3.00:00:00");
        await p.PublishAsync("Ten days before subscribing");
        p.Host.Time.SetUtcNow(day0.AddDays(8));
        await p.PublishAsync("Two days before subscribing");
        p.Host.Time.SetUtcNow(day0.AddDays(10));
        await p.SubscribeAsync("reader@customs.example", "UTC");
        await p.PublishAsync("After subscribing");

        await p.TicksAsync(Utc("2026-11-27T13:00Z"), Utc("2026-11-29T09:00Z"));

        var mail = Assert.Single(p.MailsTo("reader@customs.example"));
        Assert.Equal(Utc("2026-11-28T08:00Z"), mail.At); // the first 08:00 after subscribing
        Assert.Contains("Two days before subscribing", mail.Text);
        Assert.Contains("After subscribing", mail.Text);
        Assert.DoesNotContain("Ten days before subscribing", mail.Text);
    }

    [Fact]
    public async Task RunStartedByHandAndTheTimerNeverMailTheSameArticleTwice()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0);
        await p.SubscribeAsync("reader@customs.example", "Europe/Brussels");
        p.Host.Time.SetUtcNow(day0.AddHours(2));
        await p.PublishAsync("Morning report");
        p.Host.Time.SetUtcNow(day0.AddHours(6));

        var manual = await p.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct); // `notify digest run --frequency daily` at 06:00 UTC
        Assert.Equal(1, manual.RecipientsSentNow);
        await p.TicksAsync(day0.AddHours(6), day0.AddDays(1).AddHours(8));

        Assert.Empty(p.Mails); // the 07:00 UTC digest had nothing new: the manual run covered it
        Assert.Single(p.SendGrid.Accepted);
    }

    [Fact]
    public async Task RunWhosePlannerStoppedIsPlannedAgainForTheSameWindowByTheNextTick()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0);
        await p.SubscribeAsync("reader@customs.example", "Europe/Brussels");
        p.Host.Time.SetUtcNow(day0.AddHours(2));
        await p.PublishAsync("Morning report");

        // The 07:00 run is planned (the watermark moved), then the planner "dies" before the run is marked planned.
        p.Host.Time.SetUtcNow(day0.AddHours(7));
        await p.Get<HourPassed>().PlanDueAsync(day0.AddHours(7), Ct);
        var runs = p.Get<DigestRunStore>();
        var run = (await runs.GetAsync(DigestFrequency.Daily, "2026-11-27T07", Ct))!;
        Assert.Equal(1, run.RecipientCount);
        Assert.NotNull(await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planning }, Ct));

        // 08:00: the planning lease has passed; the tick plans that run again, covering the same window, and sends it.
        await p.TicksAsync(day0.AddHours(8), day0.AddDays(1).AddHours(8));

        var mail = Assert.Single(p.MailsTo("reader@customs.example"));
        Assert.Equal(day0.AddHours(8), mail.At);
        Assert.Contains("Morning report", mail.Text);
        Assert.Equal(DigestRunStatus.Completed, (await runs.GetAsync(DigestFrequency.Daily, "2026-11-27T07", Ct))!.Status);
    }

    [Fact]
    public async Task PublishedArticleAlertsInstantSubscribersOfItsTopicsWhenItsWaitForTranslationsEnds()
    {
        var day0 = Utc("2026-11-27T10:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0);
        await p.SubscribeAsync("instant@customs.example", "UTC", DigestFrequency.Instant);
        await p.SubscribeAsync("instant-other-topic@customs.example", "UTC", DigestFrequency.Instant, ["green customs"]);
        await p.SubscribeAsync("daily@customs.example", "UTC");

        await p.PublishAsync("Urgent notice", "topics: [e-commerce]");
        await p.Get<SendBatchQueue>().DrainAsync((m, t) => p.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);
        Assert.Empty(p.SendGrid.Accepted); // it waits Schedule:AlertGracePeriod (10 minutes) for translations
        // The alerts-due message the blob trigger left becomes visible: the AlertDue function plans the alert; SendBatch sends it.
        p.Host.Time.SetUtcNow(day0.AddMinutes(10));
        await p.Get<AlertDue>().PlanAsync(new AlertDueMessage("urgent-notice"), Ct);
        await p.Get<SendBatchQueue>().DrainAsync((m, t) => p.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);
        await p.TicksAsync(day0.AddHours(1), day0.AddHours(3)); // the timer finds the alert sent: nothing more

        var alert = Assert.Single(p.SendGrid.Accepted);
        Assert.Equal(["instant@customs.example"], alert.Recipients);
        Assert.Contains("Urgent notice", alert.Body.GetProperty("subject").GetString() + alert.Body.GetProperty("content")[0].GetProperty("value").GetString());
        Assert.Empty(p.Mails); // the ticks sent nothing more
        var run = (await p.Get<DigestRunStore>().GetAsync(DigestFrequency.Instant, DigestPeriod.Alert("urgent-notice", day0).Key, Ct))!;
        Assert.Equal((DigestRunStatus.Completed, 1), (run.Status, run.RecipientCount));
    }

    [Fact]
    public async Task AlertArticleGoesAtOnceToEverySubscriberOfItsTopicsWhateverTheirFrequency()
    {
        var day0 = Utc("2026-11-27T10:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0);
        await p.SubscribeAsync("instant@customs.example", "UTC", DigestFrequency.Instant);
        await p.SubscribeAsync("daily-ecommerce@customs.example", "UTC", DigestFrequency.Daily, ["e-commerce"]);
        await p.SubscribeAsync("weekly-all@customs.example", "UTC", DigestFrequency.Weekly);
        await p.SubscribeAsync("daily-green@customs.example", "UTC", DigestFrequency.Daily, ["green customs"]);

        await p.PublishAsync("Customs systems outage", "topics: [e-commerce]\nalert: true");
        await p.PublishAsync("Ordinary report", "topics: [e-commerce]");
        // The alerts go when their wait for translations ends (here the timer running late catches them, inline; in Azure the
        // alerts-due queue's AlertDue function plans them then, and SendBatch sends them).
        await p.TickAsync(day0.AddMinutes(10));

        var alert = p.Mails.Where(m => m.Text.Contains("Customs systems outage")).SelectMany(m => m.To).Order().ToList();
        Assert.Equal(["daily-ecommerce@customs.example", "instant@customs.example", "weekly-all@customs.example"], alert);
        var ordinary = p.Mails.Where(m => m.Text.Contains("Ordinary report")).SelectMany(m => m.To).ToList();
        Assert.Equal(["instant@customs.example"], ordinary);
        Assert.DoesNotContain(p.Mails, m => m.To.Contains("daily-green@customs.example"));

        // The next morning's daily digest lists both for the e-commerce reader (the alert was not a digest), once.
        await p.TicksAsync(day0.AddHours(1), day0.AddDays(1).AddHours(8));
        var digest = Assert.Single(p.MailsTo("daily-ecommerce@customs.example"), m => m.At == Utc("2026-11-28T08:00Z"));
        Assert.Contains("Customs systems outage", digest.Text);
        Assert.Contains("Ordinary report", digest.Text);
        Assert.Equal(2, p.MailsTo("instant@customs.example").Count);
    }

    [Fact]
    public async Task HeldArticleIsAlertedByTheHourlyTimerWhenItsPublicationTimeComes()
    {
        var day0 = Utc("2026-11-27T10:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0);
        await p.SubscribeAsync("instant@customs.example", "UTC", DigestFrequency.Instant);
        await p.PublishAsync("Embargoed report", "topics: [e-commerce]\npublished: 2026-11-27T14:30:00Z");

        await p.TicksAsync(day0, day0.AddHours(6));

        var mail = Assert.Single(p.MailsTo("instant@customs.example"));
        Assert.Equal(Utc("2026-11-27T15:00Z"), mail.At); // the first tick after 14:30
        Assert.Contains("Embargoed report", mail.Text);
    }

    [Fact]
    public async Task InstantSubscriberWhoSwitchesToDailyIsNotSentTheAlertedArticlesAgain()
    {
        var day0 = Utc("2026-11-27T10:00Z");
        await using var p = await Pipeline.StartAsync(azurite, day0);
        var reader = await p.SubscribeAsync("reader@customs.example", "UTC", DigestFrequency.Instant);
        await p.PublishAsync("Alerted report");
        await p.TickAsync(day0.AddMinutes(10)); // its wait for translations ended
        await p.ChangeAsync(reader, s => s with { Frequency = DigestFrequency.Daily });
        p.Host.Time.SetUtcNow(day0.AddHours(2));
        await p.PublishAsync("Later report");
        await p.TickAsync(day0.AddHours(2)); // the later report's alert run: the reader is daily now, so nothing

        await p.TicksAsync(day0.AddHours(3), day0.AddDays(1).AddHours(9));

        var mails = p.MailsTo("reader@customs.example");
        Assert.Equal([day0.AddMinutes(10), Utc("2026-11-28T08:00Z")], mails.Select(m => m.At));
        Assert.Contains("Later report", mails[1].Text);
        Assert.DoesNotContain("Alerted report", mails[1].Text);
    }
}
