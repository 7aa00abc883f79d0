using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications.Core.Tests.Digests;

/// <summary>Publish → ingest → digest run → SendGrid, on Azurite and a strict SendGrid-compatible endpoint.</summary>
public sealed class DigestRunnerTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task PublishAsync(TestHost host, string name, string title)
    {
        var content = $"---\ntitle: {title}\npublished: 2026-11-20\ntopics: [e-commerce]\nsummary: What the committee decided about {title}.\n---\nBody.\n";
        await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(content)), Ct);
        Assert.Equal(IngestOutcome.Accepted, (await host.Get<ArticleIngestor>().IngestAsync(name, Ct)).Outcome);
    }

    private static Task SeedAsync(TestHost host, int count, DigestFrequency frequency = DigestFrequency.Daily,
        SubscriberStatus status = SubscriberStatus.Active, string prefix = "official")
        => host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, count).Select(i =>
            new NewSubscriber($"{prefix}{i:D5}@customs.example", $"Official {i}", "Customs Administration", "en", frequency, status)), Ct);

    private static Task<DigestRunResult> RunDailyAsync(TestHost host) => host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

    [Fact]
    public async Task PublishedArticleReachesEveryActiveSubscriberOnceRenderedPerLanguage()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new("a.dupont@douane.example", "Anne Dupont", "Customs Administration of Belgium", "fr"),
            new("r.aliyev@customs.az.example", "Rashad Aliyev", "State Customs Committee of Azerbaijan", "ru"),
            new("j.smith@hmrc.example", "Jane Smith", "HM Revenue and Customs"),
            new("m.rossi@adm.example", "Marco Rossi", "Customs and Monopolies Agency of Italy"),
            new("left@customs.example", "Left", "Org", Status: SubscriberStatus.Unsubscribed),
            new("pending@customs.example", "Pending", "Org", Status: SubscriberStatus.Pending),
            new("weekly@customs.example", "Weekly", "Org", Frequency: DigestFrequency.Weekly),
        ], Ct);
        await PublishAsync(host, "2026/ptc-241.md", "PTC closes its 241st session");
        host.Time.Advance(TimeSpan.FromHours(1));

        var result = await RunDailyAsync(host);

        Assert.Equal(DigestRunStatus.Completed, result.Status);
        Assert.Equal("daily-2026-11-26", result.RunId);
        // One rendering per language (variant), never per subscriber: en (2 people), fr, ru.
        Assert.Equal((1, 4, 3, 4), (result.Articles, result.PlannedRecipients, result.Batches, result.RecipientsSentNow));
        Assert.Equal(3, sendGrid.Requests.Count);
        Assert.All(sendGrid.Requests, r => Assert.Equal(202, r.Status));
        Assert.Equal(["a.dupont@douane.example", "j.smith@hmrc.example", "m.rossi@adm.example", "r.aliyev@customs.az.example"],
            sendGrid.Accepted.SelectMany(r => r.Recipients).Order());

        var english = sendGrid.Requests.Single(r => r.Recipients.Contains("j.smith@hmrc.example"));
        Assert.Equal("Bearer " + FakeSendGrid.ApiKey, english.Authorization);
        var body = english.Body;
        Assert.Equal("digests@secretariat.example", body.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal("PTC Secretariat", body.GetProperty("from").GetProperty("name").GetString());
        Assert.Equal("PTC closes its 241st session", body.GetProperty("subject").GetString());
        var content = body.GetProperty("content").EnumerateArray().ToList();
        Assert.Contains("26 November 2026", content[0].GetProperty("value").GetString());
        Assert.Equal(["text/plain", "text/html"], content.Select(c => c.GetProperty("type").GetString()));
        Assert.Contains("PTC closes its 241st session", content[0].GetProperty("value").GetString());
        Assert.Contains("PTC closes its 241st session", content[1].GetProperty("value").GetString());
        var personalizations = body.GetProperty("personalizations").EnumerateArray().ToList();
        Assert.All(personalizations, p => Assert.Equal(1, p.GetProperty("to").GetArrayLength()));
        Assert.Equal(
            [("j.smith@hmrc.example", "Jane Smith"), ("m.rossi@adm.example", "Marco Rossi")],
            personalizations.Select(p => p.GetProperty("to")[0])
                .Select(t => (t.GetProperty("email").GetString()!, t.GetProperty("name").GetString()!)).Order());
        Assert.Equal("daily-2026-11-26", body.GetProperty("custom_args").GetProperty("run_id").GetString());
        Assert.StartsWith("b0000", body.GetProperty("custom_args").GetProperty("batch_id").GetString());
        Assert.Equal(["daily", "digest"], body.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).Order());
    }

    [Fact]
    public async Task SubscribersGetTheirLanguagesTranslationOrTheOriginalAndOnlyTheirTopics()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new("ru@customs.example", "Ru", "Org", "ru"),
            new("fr@customs.example", "Fr", "Org", "fr"),
            new("nii@customs.example", "Nii", "Org", "en", Topics: ["non-intrusive inspection"]),
        ], Ct);
        async Task Publish(string name, string front)
        {
            await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes($"---\n{front}\n---\nBody.\n")), Ct);
            Assert.Equal(IngestOutcome.Accepted, (await host.Get<ArticleIngestor>().IngestAsync(name, Ct)).Outcome);
        }
        await Publish("ptc.en.md", "title: PTC closes its session\nlanguage: en\ntopics: [e-commerce]");
        await Publish("ptc.ru.md", "title: ПТК завершил сессию\nlanguage: ru\ntopics: [e-commerce]");
        await Publish("nii.md", "title: NII workshop\nlanguage: en\ntopics: [non-intrusive inspection]");
        host.Time.Advance(TimeSpan.FromHours(1));

        await RunDailyAsync(host);

        string TextFor(string email)
            => sendGrid.Accepted.Single(r => r.Recipients.Contains(email)).Body.GetProperty("content")[0].GetProperty("value").GetString()!;
        Assert.Contains("ПТК завершил сессию", TextFor("ru@customs.example"));
        Assert.DoesNotContain("PTC closes its session", TextFor("ru@customs.example"));
        Assert.Contains("PTC closes its session", TextFor("fr@customs.example"));     // no French translation: the original
        Assert.Contains("NII workshop", TextFor("nii@customs.example"));
        Assert.DoesNotContain("PTC closes its session", TextFor("nii@customs.example")); // not their topic
    }

    [Fact]
    public async Task TwoThousandFiveHundredSubscribersAreSentInThreeRequests()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 2500);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));

        var result = await RunDailyAsync(host);

        Assert.Equal(3, result.Batches);
        Assert.Equal([1000, 1000, 500], sendGrid.Accepted.Select(r => r.Body.GetProperty("personalizations").GetArrayLength()));
        var recipients = sendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(2500, recipients.Count);
        Assert.Equal(2500, recipients.Distinct().Count());
        Assert.Equal(["b00000", "b00001", "b00002"], sendGrid.Accepted.Select(r => r.Body.GetProperty("custom_args").GetProperty("batch_id").GetString()));
    }

    [Fact]
    public async Task RerunningTheSameRunSendsNothing()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 3);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));
        await RunDailyAsync(host);

        host.Time.Advance(TimeSpan.FromHours(3));
        var again = await RunDailyAsync(host);

        Assert.Equal("daily-2026-11-26", again.RunId);
        Assert.Equal(DigestRunStatus.Completed, again.Status);
        Assert.Equal((0, 1), (again.RecipientsSentNow, again.BatchesAlreadySent));
        Assert.Single(sendGrid.Requests);
    }

    [Fact]
    public async Task ConcurrentTriggersOfOneRunMailEveryoneExactlyOnce()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 2500);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RunDailyAsync(host)));
        var settled = await RunDailyAsync(host);

        var recipients = sendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(2500, recipients.Distinct().Count());
        Assert.Equal(recipients.Count, recipients.Distinct().Count());
        Assert.Equal(DigestRunStatus.Completed, settled.Status);
    }

    [Fact]
    public async Task RefusedBatchIsFailedAndTheRerunSendsOnlyIt()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:BatchSize"] = "2";
        await using var host = await TestHost.StartAsync(settings, Morning);
        await SeedAsync(host, 3);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));
        // A refusal (4xx) is not retried: the batch is Failed at once. (A 5xx is retried with backoff; see SendGridResilienceTests.)
        sendGrid.EnqueueAnswer(400, "The from address does not match a verified Sender Identity.");

        var first = await RunDailyAsync(host);

        Assert.Equal((1, 1), (first.BatchesFailed, first.BatchesSentNow));
        Assert.Equal(DigestRunStatus.Planned, first.Status);
        Assert.Contains("400", first.BatchResults.Single(b => b.Outcome == BatchOutcome.Failed).Error);
        Assert.Contains("verified Sender Identity", first.BatchResults.Single(b => b.Outcome == BatchOutcome.Failed).Error);

        var second = await RunDailyAsync(host);

        Assert.Equal((1, 1, 0), (second.BatchesSentNow, second.BatchesAlreadySent, second.BatchesFailed));
        Assert.Equal(DigestRunStatus.Completed, second.Status);
        var recipients = sendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(3, recipients.Count);
        Assert.Equal(3, recipients.Distinct().Count());
    }

    [Fact]
    public async Task SubscriberWhoLeftBeforeTheRetryIsNotMailed()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 3);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));
        sendGrid.EnqueueAnswer(401, "The provided authorization grant is invalid, expired, or revoked");
        Assert.Equal(1, (await RunDailyAsync(host)).BatchesFailed);

        await host.Get<SubscriberStore>().UpsertManyAsync(
            [new("official00001@customs.example", "Official 1", "Customs Administration", Status: SubscriberStatus.Unsubscribed)], Ct);
        var retry = await RunDailyAsync(host);

        Assert.Equal(1, retry.BatchResults.Single().RecipientsSkipped);
        Assert.Equal(["official00000@customs.example", "official00002@customs.example"], sendGrid.Accepted.Single().Recipients.Order());
    }

    [Fact]
    public async Task BatchLeftInSendingByACrashIsReportedUncertainAndNeverResent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        await using (var crashing = await TestHost.StartAsync(settings, Morning,
            services => services.AddSingleton<IMailTransport>(new TransportThatDiesMidRequest())))
        {
            await SeedAsync(crashing, 3);
            await PublishAsync(crashing, "ptc.md", "PTC session");
            crashing.Time.Advance(TimeSpan.FromHours(1));
            await Assert.ThrowsAsync<IOException>(() => RunDailyAsync(crashing));
        }

        await using var restarted = await TestHost.StartAsync(settings, Morning.AddHours(2));
        var resumed = await RunDailyAsync(restarted);

        Assert.Equal(1, resumed.BatchesUncertain);
        Assert.Equal(DigestRunStatus.Planned, resumed.Status);
        Assert.Empty(sendGrid.Requests);
    }

    [Fact]
    public async Task RunInPlanningWithinTheLeaseIsLeftToItsPlanner()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 3);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));
        await ClaimAsIfAPlannerIsWorkingAsync(host);

        host.Time.Advance(new ScheduleOptions().PlanningLease - TimeSpan.FromMinutes(1));
        var result = await RunDailyAsync(host);

        Assert.Equal(DigestRunStatus.Planning, result.Status);
        Assert.Empty(sendGrid.Requests);
    }

    [Fact]
    public async Task RunLeftInPlanningByACrashIsReplannedAfterTheLeaseAndSentOnce()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 3);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));
        var crashed = await ClaimAsIfAPlannerIsWorkingAsync(host);

        host.Time.Advance(new ScheduleOptions().PlanningLease + TimeSpan.FromMinutes(1));
        var result = await RunDailyAsync(host);
        // The crashed planner wakes up and writes its plan late: that plan belongs to no run.
        var everyone = (await host.Get<SubscriberStore>().ListAsync(Ct)).Select(s => new PlannedRecipient(s.Id, s.Email, s.Name, s.UpdatedAt)).ToList();
        await host.Get<DeliveryLedger>().WriteBatchesAsync(
            crashed.RunId, crashed.PlanId, 0, [new PlannedBatch(DigestVariant.Default, everyone)], crashed.UpdatedAt, Ct);
        var rerun = await RunDailyAsync(host);

        Assert.Equal((DigestRunStatus.Completed, 3), (result.Status, result.RecipientsSentNow));
        Assert.NotEqual(crashed.PlanId, (await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, "2026-11-26", Ct))!.PlanId);
        Assert.Equal((0, 1), (rerun.RecipientsSentNow, rerun.BatchesAlreadySent));
        Assert.Equal(3, sendGrid.Accepted.SelectMany(r => r.Recipients).Distinct().Count());
        Assert.Single(sendGrid.Requests);
    }

    [Fact]
    public async Task RunHeldByAnotherPlannerSaysUntilWhenAndThatItWillBeReplannedThen()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 3);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));
        var crashed = await ClaimAsIfAPlannerIsWorkingAsync(host);

        host.Time.Advance(TimeSpan.FromMinutes(3));
        var result = await RunDailyAsync(host);

        Assert.Equal(DigestRunStatus.Planning, result.Status);
        Assert.Equal(crashed.UpdatedAt + TimeSpan.FromMinutes(10), result.PlanningHeldUntil);
        Assert.Equal($"another planner holds run daily-2026-11-26 until {crashed.UpdatedAt.AddMinutes(10):yyyy-MM-dd HH:mm:ss} UTC; it will be " +
            $"replanned then (by the hourly timer, or by running it again)",
            result.PlanningMessage);
    }

    [Fact]
    public async Task PlanningLeaseIsASettingAndARunLeftInPlanningIsReplannedWhenItEnds()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Schedule:PlanningLease"] = "00:02:00";
        await using var host = await TestHost.StartAsync(settings, Morning);
        await SeedAsync(host, 3);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));
        var crashed = await ClaimAsIfAPlannerIsWorkingAsync(host);

        host.Time.Advance(TimeSpan.FromMinutes(1));
        var held = await RunDailyAsync(host);
        host.Time.Advance(TimeSpan.FromMinutes(2));
        var replanned = await RunDailyAsync(host);

        Assert.Equal(DigestRunStatus.Planning, held.Status);
        Assert.Equal((DigestRunStatus.Completed, 3), (replanned.Status, replanned.RecipientsSentNow));
        Assert.NotEqual(crashed.PlanId, (await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, "2026-11-26", Ct))!.PlanId);
    }

    /// <summary>What a planner that claimed the run and then stopped leaves behind.</summary>
    private static async Task<DigestRun> ClaimAsIfAPlannerIsWorkingAsync(TestHost host)
    {
        var runs = host.Get<DigestRunStore>();
        var now = host.Time.GetUtcNow();
        var run = await runs.GetOrCreateAsync(DigestPeriod.For(DigestFrequency.Daily, now), now, Ct);
        return (await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planning, PlanId = "crashedplan" }, Ct))!;
    }

    [Fact]
    public async Task EachArticleIsMailedOnceAcrossConsecutiveDays()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 1);
        await PublishAsync(host, "monday.md", "Before the first digest");
        host.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, (await RunDailyAsync(host)).Articles);

        host.Time.Advance(TimeSpan.FromMinutes(30));
        await PublishAsync(host, "later.md", "Just after the first digest");
        host.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(30));
        var day2 = await RunDailyAsync(host);
        host.Time.Advance(TimeSpan.FromDays(1));
        var day3 = await RunDailyAsync(host);

        Assert.Equal(("daily-2026-11-27", 1), (day2.RunId, day2.Articles));
        Assert.Equal(("daily-2026-11-28", 0, DigestRunStatus.Completed), (day3.RunId, day3.Articles, day3.Status));
        Assert.Equal(2, sendGrid.Requests.Count);
        var secondHtml = sendGrid.Requests[1].Body.GetProperty("content")[1].GetProperty("value").GetString();
        Assert.Contains("Just after the first digest", secondHtml);
        Assert.DoesNotContain("Before the first digest", secondHtml);
    }

    [Fact]
    public async Task WeeklyRunMailsOnlyWeeklySubscribers()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 2, DigestFrequency.Daily, prefix: "daily");
        await SeedAsync(host, 2, DigestFrequency.Weekly, prefix: "weekly");
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));

        var result = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Weekly, ct: Ct);

        Assert.Equal("weekly-2026-W48", result.RunId);
        Assert.Equal(["weekly00000@customs.example", "weekly00001@customs.example"], sendGrid.Accepted.Single().Recipients.Order());
        Assert.Equal("PTC session", sendGrid.Accepted.Single().Body.GetProperty("subject").GetString());
        Assert.Contains("week of 23 November 2026", sendGrid.Accepted.Single().Body.GetProperty("content")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task MailContentIsArchivedForTheRun()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Morning);
        await SeedAsync(host, 1);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));

        await RunDailyAsync(host);

        var archived = await host.Get<DigestArchive>().LoadAsync("daily-2026-11-26", ct: Ct);
        Assert.NotNull(archived);
        Assert.Equal("PTC session", archived.Subject);   // the wording itself is under the renderer's golden files
        Assert.Contains("26 November 2026", archived.Html);
        Assert.Contains("PTC session", archived.Html);
    }

    [Fact]
    public async Task ViewInBrowserLinkShowsTheArchivedDigestWithoutAnyonesLinks()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning);
        await SeedAsync(host, 1);
        await PublishAsync(host, "ptc.md", "PTC session");
        host.Time.Advance(TimeSpan.FromHours(1));
        await RunDailyAsync(host);
        var html = sendGrid.Accepted.Single().Body.GetProperty("content")[1].GetProperty("value").GetString()!;
        var view = System.Text.RegularExpressions.Regex.Match(html, "href=\"(http://127\\.0\\.0\\.1:7071/api/digests/[^\"]+)\"").Groups[1].Value;
        Assert.Equal("http://127.0.0.1:7071/api/digests/daily-2026-11-26/en", view);

        var webView = host.Get<DigestWebView>();
        var page = await HttpCall.InvokeAsync(host.Services, r => webView.ViewAsync(r, "daily-2026-11-26", "en", Ct), "GET");
        var missing = await HttpCall.InvokeAsync(host.Services, r => webView.ViewAsync(r, "daily-2026-11-27", "en", Ct), "GET");
        var hostile = await HttpCall.InvokeAsync(host.Services, r => webView.ViewAsync(r, "../secrets", "en", Ct), "GET");

        Assert.Equal((200, 404, 404), (page.Status, missing.Status, hostile.Status));
        Assert.Contains("PTC session", page.Body);
        Assert.DoesNotContain("%recipient_", page.Body);
        Assert.DoesNotContain("%unsubscribe_url", page.Body);
        Assert.DoesNotContain("token=", page.Body);
        // A page, not the mail: a main landmark, no "view in browser" or greeting, and links to the manage-link request and the
        // subscribe page in the digest's language.
        Assert.Contains("<main", page.Body);
        Assert.DoesNotContain("mso", page.Body);
        Assert.DoesNotContain("/api/digests/", page.Body);
        Assert.DoesNotContain("class=\"greeting\"", page.Body);
        Assert.Contains("http://127.0.0.1:7071/api/manage-link?lang=en", page.Body);
        Assert.Contains("http://127.0.0.1:7071/api/subscribe?lang=en", page.Body);
    }

    /// <summary>The process dies while the request is in flight: nobody knows whether SendGrid got it.</summary>
    private sealed class TransportThatDiesMidRequest : IMailTransport
    {
        public Task<string> SendAsync(MailBatch batch, CancellationToken ct) => throw new IOException("connection reset while waiting for the response");
    }
}
