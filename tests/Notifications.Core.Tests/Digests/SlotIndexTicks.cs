using System.Text;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Digests;

/// <summary>
/// One host (Azurite, a strict SendGrid-compatible endpoint) whose clock a test walks hour by hour, each hour running what the timer runs
/// (<see cref="HourPassed.RunDueAsync"/>, sending inline), with the slot index on or off (<see cref="ScheduleOptions.UseSlotIndex"/>).
/// <see cref="BothAsync"/> plays one scenario on two fresh stores, with the index and with a full read, to compare who got what when.
/// </summary>
internal sealed class SlotIndexTicks(TestHost host, FakeSendGrid sendGrid, Dictionary<string, string?> settings) : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public TestHost Host { get; private set; } = host;
    public FakeSendGrid SendGrid { get; } = sendGrid;

    /// <summary>Every mail accepted: when (the tick), to whom, and its text.</summary>
    public List<(DateTimeOffset At, string To, string Text)> Mails { get; } = [];

    public static async Task<SlotIndexTicks> StartAsync(
        AzuriteFixture azurite, DateTimeOffset start, bool useSlotIndex, Action<Dictionary<string, string?>>? configure = null)
    {
        var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:RequestsPerSecond"] = "0";
        settings["Schedule:UseSlotIndex"] = useSlotIndex ? "true" : "false";
        configure?.Invoke(settings);
        return new SlotIndexTicks(await TestHost.StartAsync(settings, start), sendGrid, settings);
    }

    /// <summary>A new process on the same store (what it caches starts empty), its clock where the old one's was.</summary>
    public async Task RestartAsync()
    {
        var now = Host.Time.GetUtcNow();
        await Host.DisposeAsync();
        Host = await TestHost.StartAsync(settings, now);
    }

    /// <summary>
    /// The scenario on a store with the index and on one without; the mails (tick, recipient, text) of the index's store, after checking
    /// they are exactly the full read's.
    /// </summary>
    public static async Task<IReadOnlyList<(DateTimeOffset At, string To, string Text)>> BothAsync(
        AzuriteFixture azurite, DateTimeOffset start, Func<SlotIndexTicks, Task> scenario, Action<Dictionary<string, string?>>? configure = null)
    {
        await using var full = await StartAsync(azurite, start, useSlotIndex: false, configure);
        await scenario(full);
        await using var indexed = await StartAsync(azurite, start, useSlotIndex: true, configure);
        await scenario(indexed);
        Assert.Equal(Describe(full.Mails), Describe(indexed.Mails));
        return indexed.Mails;
    }

    private static List<string> Describe(IEnumerable<(DateTimeOffset At, string To, string Text)> mails)
        => mails.Select(m => $"{m.At:u} {m.To}: {Titles(m.Text)}").Order(StringComparer.Ordinal).ToList();

    /// <summary>The report titles a mail names ("Report A1": one word after "Report"): what the comparison looks at (links differ per store).</summary>
    private static string Titles(string text)
        => string.Join(", ", System.Text.RegularExpressions.Regex.Matches(text, @"Report [A-Za-z0-9]+")
            .Select(m => m.Value).Distinct().Order(StringComparer.Ordinal));

    public T Get<T>() where T : notnull => Host.Get<T>();

    public Task<Subscriber> SubscribeAsync(string email, string timeZone, DigestFrequency frequency = DigestFrequency.Daily,
        string[]? topics = null, int? deliveryHour = null)
        => Get<SubscriberStore>().AddAsync(
            new NewSubscriber(email, "Official", "Customs Administration", "en", frequency, TimeZone: timeZone, Topics: topics,
                DeliveryHour: deliveryHour), Ct);

    public async Task ChangeAsync(string email, Func<Subscriber, Subscriber> change)
    {
        var subscriber = await Get<SubscriberStore>().FindByEmailAsync(email, Ct) ?? throw new InvalidOperationException(email);
        await Get<SubscriberStore>().UpdateAsync(subscriber.Id, change, Ct);
    }

    /// <summary>An editor drops a file into <c>articles</c> now (the blob trigger's path).</summary>
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
            foreach (var to in request.Recipients)
                Mails.Add((at, to, request.Body.GetProperty("content")[0].GetProperty("value").GetString()!));
    }

    /// <summary>Every hour from <paramref name="from"/> through <paramref name="through"/>; <paramref name="each"/> runs before each tick.</summary>
    public async Task TicksAsync(DateTimeOffset from, DateTimeOffset through, Func<DateTimeOffset, Task>? each = null)
    {
        for (var at = from; at <= through; at = at.AddHours(1))
        {
            if (each is not null)
            {
                if (at > Host.Time.GetUtcNow()) Host.Time.SetUtcNow(at);
                await each(at);
            }
            await TickAsync(at);
        }
    }

    public IReadOnlyList<DateTimeOffset> MailedAt(string email) => Mails.Where(m => m.To == email).Select(m => m.At).ToList();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await SendGrid.DisposeAsync();
    }
}
