using System.Diagnostics.Tracing;
using System.Text.RegularExpressions;
using Azure.Core.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Digests;
using Notifications.Functions.DayPassed;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Functions.Tests;

/// <summary>
/// Self-service cannot be used against people: an anonymous subscribe is held as a request and touches no stored record until
/// its link is confirmed; the form's answer does the same storage work whatever the address; unconfirmed requests expire.
/// </summary>
public sealed partial class SubscriptionsTests
{
    private const string Lure = "Your account is locked - call +1 555 0100";

    public static TheoryData<SubscriberStatus> EveryStatus() =>
        [
            SubscriberStatus.Active, SubscriberStatus.Pending, SubscriberStatus.Unsubscribed, SubscriberStatus.Bounced,
            SubscriberStatus.Complained, SubscriberStatus.Suspended
        ];

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public async Task AnAnonymousSubscribeChangesNoStoredRecordInAnyState(SubscriberStatus status)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var stored = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee", "ru", DigestFrequency.Weekly, status,
            "UZ", ["data model"], "Asia/Tashkent"), ct);
        c.Host.Time.Advance(TimeSpan.FromMinutes(1));

        var answer = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST",
            body: $"email=a.karimov%40customs.example&name={Uri.EscapeDataString(Lure)}&organization=IT+Security+Desk&country=FR&language=en&" +
                $"frequency=instant&topics=e-commerce");
        await SendConfirmationsAsync(c);

        Assert.Equal(200, answer.Status);
        Assert.Equivalent(stored, await c.Store.GetAsync(stored.Id, ct), strict: true);
        // An active subscriber is mailed their manage link instead of a confirmation: the only entry in their history.
        Assert.Equal(status == SubscriberStatus.Active ? ["manage link sent"] : [],
            (await c.Host.Get<SubscriberAudit>().ListAsync(stored.Id, ct)).Select(e => e.Action));
        // Whatever was sent carries nothing the requester typed.
        Assert.All(Mails(c), m =>
        {
            var headers = string.Join("\n", m.Message.Headers.Select(h => h.Value)); // decoded: nothing hides in encoded words
            Assert.DoesNotContain("locked", m.Raw + headers + m.Text + m.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("IT Security", m.Text + m.Html, StringComparison.Ordinal);
            // No display name from the form: a confirmation has none, a manage link the stored (confirmed) one.
            Assert.Equal(status == SubscriberStatus.Active ? ("Aziz Karimov", "a.karimov@customs.example") : ("", "a.karimov@customs.example"),
                m.Message.Recipient());
        });
        Assert.Equal(status is SubscriberStatus.Pending or SubscriberStatus.Unsubscribed or SubscriberStatus.Active ? 1 : 0, Mails(c).Count);
    }

    [Fact]
    public async Task AnAnonymousPostNoLongerRewritesAnUnsubscribedOfficialsNameAndConsent()
    {
        // The reproduction: one POST rewrote an unsubscribed official's name to the lure and replaced the recorded consent.
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var unsubscribed = (await c.Store.UpdateAsync(EmailIdOf(c), s => s with { Status = SubscriberStatus.Unsubscribed }, ct))!.Value.After;
        Assert.Equal("admin", unsubscribed.Consent?.Source);

        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST",
            body: $"email=a.karimov%40customs.example&name={Uri.EscapeDataString(Lure)}&organization=State+Customs+Committee&language=en&frequency=daily");
        await SendConfirmationsAsync(c);

        var after = (await c.Store.FindByEmailAsync(Email, ct))!;
        Assert.Equal("Aziz Karimov", after.Name);
        Assert.Equal(unsubscribed.Consent, after.Consent);
        Assert.Equal(SubscriberStatus.Unsubscribed, after.Status);
        var mail = Assert.Single(Mails(c));
        Assert.DoesNotContain("locked", mail.Raw + mail.Text + mail.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheConfirmationSentThroughSendGridHasNoDisplayNameAndNoTypedText()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var c = await StartAsync(s => s.WithSendGrid(sendGrid));

        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST",
            body: $"email=a.karimov%40customs.example&name={Uri.EscapeDataString(Lure)}&organization=IT+Security+Desk&language=en&frequency=daily");
        await SendConfirmationsAsync(c);

        var request = Assert.Single(sendGrid.Accepted);
        var to = Assert.Single(Assert.Single(request.Body.GetProperty("personalizations").EnumerateArray()).GetProperty("to").EnumerateArray());
        Assert.Equal(Email, to.GetProperty("email").GetString());
        Assert.True(!to.TryGetProperty("name", out var name) || string.IsNullOrEmpty(name.GetString()), $"The To has a display name: {to}");
        Assert.DoesNotContain("locked", request.Body.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("IT Security", request.Body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachLinkAppliesItsOwnRequestAndTheOthersAreDroppedOnConfirming()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
        await SendConfirmationsAsync(c);
        var own = ConfirmLink(Assert.Single(Mails(c)));
        // Someone else asks for the same address with other words, after the resend interval: a second email, a second link.
        c.Host.Time.Advance(TimeSpan.FromMinutes(11));
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST",
            body: $"email=a.karimov%40customs.example&name={Uri.EscapeDataString(Lure)}&organization=IT+Security+Desk&language=fr&frequency=instant");
        await SendConfirmationsAsync(c);
        var other = Assert.Single(Mails(c).Select(ConfirmLink), l => l != own);

        var confirmed = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(own).Query);
        var later = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(other).Query);

        Assert.Contains("Subscription confirmed", confirmed.Body);
        Assert.Contains("Already confirmed", later.Body);
        var active = (await c.Store.FindByEmailAsync(Email, ct))!;
        Assert.Equal(("Aziz Karimov", "State Customs Committee", "en", DigestFrequency.Daily, SubscriberStatus.Active),
            (active.Name, active.Organization, active.Language, active.Frequency, active.Status));
        Assert.Equal(0, await c.Host.Get<SubscribeRequestStore>().DeleteForAsync(active.Id, ct));
    }

    [Fact]
    public async Task ALinkSentBeforeRequestsExistedStillConfirmsItsPendingRecord()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var pending = await c.Store.AddAsync(
            c.Store.Create(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee", Status: SubscriberStatus.Pending), "self-service"), ct);
        var legacy = c.Host.Get<SubscriptionTokens>().Issue(pending.Id, TokenPurpose.Confirm);

        var confirmed = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", "?token=" + legacy);

        Assert.Contains("Subscription confirmed", confirmed.Body);
        Assert.DoesNotContain("preferences?token=", confirmed.Body);
        var active = (await c.Store.GetAsync(pending.Id, ct))!;
        Assert.Equal((SubscriberStatus.Active, "Aziz Karimov", c.Host.Time.GetUtcNow()), (active.Status, active.Name, active.Consent?.ConfirmedAt));
    }

    [Fact]
    public async Task ConfirmingWhileActiveAppliesTheRequestsPreferences()
    {
        // Decided: whoever confirms has shown they read the mailbox, so the request's preferences are theirs to apply.
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST",
            body: SubscribeForm.Replace("frequency=daily", "frequency=weekly", StringComparison.Ordinal));
        await SendConfirmationsAsync(c);
        var link = ConfirmLink(Assert.Single(Mails(c)));
        var added = await c.Store.AddAsync(new NewSubscriber(Email, "A. Karimov", "Customs", TimeZone: "Asia/Tashkent"), ct);

        var confirmed = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(link).Query);

        Assert.Contains("Subscription confirmed", confirmed.Body);
        var after = (await c.Store.GetAsync(added.Id, ct))!;
        Assert.Equal(("Aziz Karimov", DigestFrequency.Weekly, "Asia/Tashkent", added.Consent), (after.Name, after.Frequency, after.TimeZone, after.Consent));
        var entry = Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(added.Id, ct));
        Assert.Equal(("updated", "confirmation"), (entry.Action, entry.Changes["via"]));
    }

    [Fact]
    public async Task UnconfirmedRequestsAndPendingRecordsArePurgedAfterTheLinksLifetime()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var requests = c.Host.Get<SubscribeRequestStore>();
        var oldPending = await c.Store.AddAsync(
            c.Store.Create(new NewSubscriber("old@customs.example", "Old Reader", "Customs", Status: SubscriberStatus.Pending), "self-service"), ct);
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
        await SendConfirmationsAsync(c);
        var link = ConfirmLink(Assert.Single(Mails(c)));
        var requestId = c.Host.Get<SubscriptionTokens>().Verify(TokenOf(link), TokenPurpose.Confirm);
        var purge = ActivatorUtilities.CreateInstance<PurgePendingSubscriptions>(c.Host.Services);

        // Within the link's lifetime nothing goes.
        c.Host.Time.Advance(TimeSpan.FromDays(6));
        var fresh = await c.Store.AddAsync(
            c.Store.Create(new NewSubscriber("new@customs.example", "New Reader", "Customs", Status: SubscriberStatus.Pending), "self-service"), ct);
        await purge.Run(new TimerInfo(), ct);
        Assert.NotNull(await requests.GetAsync(requestId.SubscriberId, requestId.RequestId!, ct));
        Assert.NotNull(await c.Store.GetAsync(oldPending.Id, ct));

        c.Host.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await purge.Run(new TimerInfo(), ct);

        Assert.Null(await requests.GetAsync(requestId.SubscriberId, requestId.RequestId!, ct));
        Assert.Null(await c.Store.GetAsync(oldPending.Id, ct));
        Assert.Equal(SubscriberStatus.Pending, (await c.Store.GetAsync(fresh.Id, ct))!.Status);
        Assert.Empty(await RowsAsync(c, "Storage:SubscribeRequestsTable"));
        Assert.Equal("expired", (await c.Host.Get<SubscriberAudit>().ListAsync(oldPending.Id, ct))[0].Action);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("import")]
    public async Task PendingRecordsAnAdminOrAnImportMadeAreNotPurged(string source)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var theirs = await c.Store.AddAsync(
            c.Store.Create(new NewSubscriber("invited@customs.example", "Invited Reader", "Customs", Status: SubscriberStatus.Pending), source), ct);
        var selfService = await c.Store.AddAsync(
            c.Store.Create(new NewSubscriber("old@customs.example", "Old Reader", "Customs", Status: SubscriberStatus.Pending), "self-service"), ct);
        var purge = ActivatorUtilities.CreateInstance<PurgePendingSubscriptions>(c.Host.Services);

        c.Host.Time.Advance(TimeSpan.FromDays(30)); // far beyond the link's lifetime (7 days)
        await purge.Run(new TimerInfo(), ct);

        Assert.Null(await c.Store.GetAsync(selfService.Id, ct));
        var kept = await c.Store.GetAsync(theirs.Id, ct);
        Assert.Equal((SubscriberStatus.Pending, source), (kept!.Status, kept.Consent!.Source));
        Assert.DoesNotContain(await c.Host.Get<SubscriberAudit>().ListAsync(theirs.Id, ct), e => e.Action == "expired");
    }

    [Fact]
    public async Task TheSubscribeAnswerDoesTheSameStorageWorkForAKnownAndAnUnknownAddress()
    {
        // Timing cannot tell whether an address is known if the request path does the same operations for both: here, in order,
        // the same table insert and queue message, and never a read of the subscribers table.
        await using var c = await StartAsync();
        var prefix = Settings(c)["Storage:SubscribersTable"]![..11];
        await c.Store.AddAsync(new NewSubscriber("known@customs.example", "Known Reader", "Customs of Known"), TestContext.Current.CancellationToken);
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("warm-up@customs.example"));

        var known = await StorageOperationsAsync(prefix, () => CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("known@customs.example")));
        var unknown = await StorageOperationsAsync(prefix, () => CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("unknown@customs.example")));

        Assert.Equal([$"POST {prefix}SubscribeRequests", $"POST {prefix}-subscribe-confirmations/messages"], unknown);
        Assert.Equal(unknown, known);
        Assert.Empty(Mails(c));
    }

    /// <summary>The storage requests (method and resource, without keys) made while <paramref name="action"/> runs, for one test's resources.</summary>
    private static async Task<List<string>> StorageOperationsAsync(string prefix, Func<Task> action)
    {
        var operations = new List<string>();
        using (new AzureEventSourceListener((e, message) =>
               {
                   if (e.EventName != "Request") return;
                   var m = RequestEvent().Match(message);
                   if (!m.Success) return;
                   var resource = Uri.UnescapeDataString(m.Groups["path"].Value).Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1);
                   var path = string.Join('/', resource).Split('(')[0];
                   if (!path.StartsWith(prefix, StringComparison.Ordinal) || path.Contains("-templates", StringComparison.Ordinal)) return;
                   lock (operations) operations.Add($"{m.Groups["method"].Value} {path}");
               }, EventLevel.Informational))
        {
            await action();
        }
        lock (operations) return [.. operations];
    }

    [GeneratedRegex(@"^Request \[[^\]]*\] (?<method>[A-Z]+) https?://[^/]+(?<path>/[^?\s]*)")]
    private static partial Regex RequestEvent();

    private static string EmailIdOf(Context c) => c.Store.Create(new NewSubscriber(Email, "x", "x"), "admin").Id;

    private static IReadOnlyDictionary<string, string?> Settings(Context c)
        => Microsoft.Extensions.Configuration.ConfigurationExtensions
            .AsEnumerable(c.Host.Get<Microsoft.Extensions.Configuration.IConfiguration>())
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    private static async Task<List<TableEntity>> RowsAsync(Context c, string tableSetting)
    {
        var settings = Settings(c);
        var table = new TableClient(settings["AzureWebJobsStorage"], settings[tableSetting]);
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(cancellationToken: TestContext.Current.CancellationToken))
            rows.Add(e);
        return rows;
    }
}
