using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Delivery;

/// <summary>One address SendGrid will not take never blocks a batch: the others are sent, once, and the refused are reported.</summary>
public sealed class RefusedRecipientsTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoRefusedOfTwentyEightAreReportedAndTheOther26GetTheDigestOnce()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(
            TestSettings.For(azurite).WithSendGrid(sendGrid), new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        var people = Enumerable.Range(1, 28).Select(i => new NewSubscriber($"officer{i:D2}@customs{i % 3}.example", $"Officer {i}", "Customs")).ToList();
        await host.Get<SubscriberStore>().UpsertManyAsync(people, Ct);
        string[] refused = ["officer07@customs1.example", "officer20@customs2.example"];
        sendGrid.RefuseAddresses(refused);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        host.Time.Advance(TimeSpan.FromHours(1));

        var runner = host.Get<DigestRunner>();
        var first = await runner.RunAsync(DigestFrequency.Daily, ct: Ct);
        // Run again and resume (what an operator would do): nothing is sent twice, the refused are not tried again.
        await runner.RunAsync(DigestFrequency.Daily, ct: Ct);
        await runner.ResumeAsync(first.RunId, resendUncertain: false, Ct);

        Assert.Equal(DigestRunStatus.Completed, first.Status);
        Assert.Equal(26, first.RecipientsSentNow);
        var delivered = sendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(people.Select(p => p.Email).Except(refused).Order(), delivered.Order());
        Assert.Equal(2, sendGrid.Requests.Count);
        Assert.Equal(400, sendGrid.Requests[0].Status);

        var status = (await runner.StatusAsync(first.RunId, ct: Ct))!;
        Assert.Equal(1, status.Batches[BatchStatus.Sent]);
        Assert.Equal(refused.Select(host.Get<SubscriberStore>().IdOf).Order(), status.Refused.Select(r => r.Refusal.SubscriberId).Order());
        Assert.All(status.Refused, r => Assert.Equal("Does not contain a valid address.", r.Refusal.Reason));

        foreach (var email in refused)
        {
            var history = await host.Get<SubscriberAudit>().ListAsync(host.Get<SubscriberStore>().IdOf(email), Ct);
            var entry = Assert.Single(history, e => e.Action == "refused");
            Assert.Equal(first.RunId, entry.Changes["run"]);
            Assert.Equal("Does not contain a valid address.", entry.Changes["reason"]);
        }
    }

    [Fact]
    public void A400NamingOnlyPersonalizationsListsThemAndAnyOtherErrorRefusesTheWholeRequest()
    {
        const string help = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.personalizations.to";
        var named = SendGridTransport.PersonalizationErrors(
            $$"""{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.3.to.0.email","help":"{{help}}"},{"message":"Does not contain a valid address.","field":"personalizations.11.to.0.email","help":null}]}""");
        Assert.Equal([(3, "Does not contain a valid address."), (11, "Does not contain a valid address.")], named);
        Assert.Null(SendGridTransport.PersonalizationErrors("""{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.3.to.0.email"},{"message":"The subject is required.","field":"subject"}]}"""));
        Assert.Null(SendGridTransport.PersonalizationErrors("""{"errors":[{"message":"Bad Request","field":null}]}"""));
        Assert.Null(SendGridTransport.PersonalizationErrors("<html>bad gateway</html>"));
    }
}
