using System.Reflection;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Mail;
using Notifications.Pipeline;

namespace Notifications.Local;

/// <summary>What <c>notify demo</c> reports.</summary>
public sealed record DemoReport(int Subscribers, IReadOnlyList<IngestResult> Articles, DigestRunResult Digest, string OutboxFolder, int MessagesInOutbox);

/// <summary>
/// The main job on local defaults: seed a few subscribers of member administrations, publish the sample articles
/// the way an editor would, run today's daily digest, and leave the mail in the outbox. Safe to run again: it sends nothing twice.
/// </summary>
public sealed class DemoScenario(
    SubscriberStore subscribers,
    ArticlePublisher publisher,
    ArticleIngestor ingestor,
    DigestRunner runner,
    IMailTransport transport,
    TimeProvider time)
{
    public static IReadOnlyList<NewSubscriber> SampleSubscribers { get; } =
    [
        new("a.dupont@douane.example", "Anne Dupont", "Customs Administration of Belgium", "fr"),
        new("r.aliyev@customs.az.example", "Rashad Aliyev", "State Customs Committee of Azerbaijan", "ru"),
        new("d.karimova@customs.uz.example", "Dilnoza Karimova", "Customs Committee of Uzbekistan", "ru"),
        new("j.smith@hmrc.example", "Jane Smith", "HM Revenue and Customs", "en"),
        new("m.rossi@adm.example", "Marco Rossi", "Customs and Monopolies Agency of Italy", "en"),
    ];

    public async Task<DemoReport> RunAsync(CancellationToken ct = default)
    {
        if (transport is not OutboxTransport outbox)
            throw new InvalidOperationException("The demo writes mail to the local outbox only; set Delivery:Mode to Outbox.");

        var seeded = await subscribers.UpsertManyAsync(SampleSubscribers, ct);

        var ingested = new List<IngestResult>();
        foreach (var (name, content) in SampleArticles())
        {
            await using (var stream = new MemoryStream(content))
                await publisher.PublishAsync(name, stream, ct);
            ingested.Add(await ingestor.IngestAsync(name, ct));
        }

        var digest = await runner.RunAsync(DigestFrequency.Daily, time.GetUtcNow(), ct);
        var folder = Path.Combine(outbox.OutboxPath, digest.RunId);
        var messages = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml").Length : 0;
        return new DemoReport(seeded, ingested, digest, folder, messages);
    }

    public static IEnumerable<(string Name, byte[] Content)> SampleArticles()
    {
        const string prefix = "Notifications.Local.SampleArticles.";
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            yield return ("samples/" + resource[prefix.Length..], copy.ToArray());
        }
    }
}
