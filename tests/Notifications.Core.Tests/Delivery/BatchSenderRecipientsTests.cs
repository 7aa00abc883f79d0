using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Mail;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Delivery;

/// <summary>The sender asks <see cref="IRecipientDirectory"/> who a batch still goes to when it sends it, and mails only them.</summary>
public sealed class BatchSenderRecipientsTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The subscribers' answer, less one recipient (as if they had left just now).</summary>
    private sealed class LeavingOut(IRecipientDirectory directory, string left) : IRecipientDirectory
    {
        public async Task<IReadOnlyList<Recipient>> StillActiveAsync(IReadOnlyList<PlannedRecipient> planned, DateTimeOffset plannedAt, CancellationToken ct)
            => [.. (await directory.StillActiveAsync(planned, plannedAt, ct)).Where(r => r.SubscriberId != left)];

        public string? IdOf(string email) => directory.IdOf(email);
    }

    [Fact]
    public async Task ARecipientTheDirectoryNoLongerListsIsNotMailed()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid), Morning, services =>
            services.AddSingleton<IRecipientDirectory>(sp => new LeavingOut(ActivatorUtilities.CreateInstance<SubscriberDirectory>(sp),
                sp.GetRequiredService<SubscriberStore>().IdOf("official1@customs.example"))));
        await host.Get<SubscriberStore>().UpsertManyAsync(
            Enumerable.Range(0, 3).Select(i => new NewSubscriber($"official{i}@customs.example", $"Official {i}", "Customs Administration")), Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        host.Time.Advance(TimeSpan.FromHours(1));

        var run = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal((3, 2, 1), (run.PlannedRecipients, run.RecipientsSentNow, run.BatchResults.Single().RecipientsSkipped));
        Assert.Equal(["official0@customs.example", "official2@customs.example"], sendGrid.Accepted.Single().Recipients.Order());
    }
}
