using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Functions.ConfirmationRequested;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// The subscriber self-service functions called as plain methods with a <see cref="DefaultHttpContext"/>, over the real Core
/// composition, a real Azurite and the outbox (so the confirmation email can be opened and its link followed).
/// </summary>
public sealed partial class SubscriptionsTests(AzuriteFixture azurite)
{
    private const string BaseUrl = "https://notify.secretariat.example";
    private const string Email = "a.karimov@customs.example";
    private const string SubscribeForm =
        "email=a.karimov%40customs.example&name=Aziz+Karimov&organization=State+Customs+Committee&country=uz&language=en&frequency=daily&topics=e-commerce";

    private sealed record Response(int Status, string Body, IHeaderDictionary Headers)
    {
        /// <summary>The body with character references decoded (the HTML encoder writes é as &amp;#233;).</summary>
        public string Text => WebUtility.HtmlDecode(Body);
    }

    private sealed class Context(TestHost host, string outbox) : IAsyncDisposable
    {
        public TestHost Host { get; } = host;
        public string Outbox { get; } = outbox;
        public SubscriberStore Store => Host.Get<SubscriberStore>();
        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }

    private async Task<Context> StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", "subscriptions-" + Guid.NewGuid().ToString("N")[..10]);
        var settings = TestSettings.For(azurite, outbox);
        settings["Links:BaseUrl"] = BaseUrl;
        configure?.Invoke(settings);
        return new Context(await TestHost.StartAsync(settings), outbox);
    }

    [Fact]
    public async Task SubscribeHoldsTheRequestAndSendsOneConfirmationWhoseLinkSubscribes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();

        var answer = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);

        Assert.Equal(200, answer.Status);
        Assert.Contains("Check your inbox", answer.Body);
        Assert.DoesNotContain(Email, answer.Body);
        // Nothing is stored as a subscriber until the address confirms; the email goes out from the queue.
        Assert.Null(await c.Store.FindByEmailAsync(Email, ct));
        Assert.Empty(Mails(c));
        Assert.Equal(1, await SendConfirmationsAsync(c));

        var mail = Assert.Single(Mails(c));
        Assert.Equal(("", "a.karimov@customs.example"), mail.Message.Recipient());
        Assert.DoesNotContain("Aziz", mail.Raw);
        Assert.DoesNotContain(mail.Message.Headers, h => h.Value.Contains("Aziz", StringComparison.Ordinal));
        Assert.DoesNotContain("Aziz", mail.Text);
        Assert.DoesNotContain("Aziz", mail.Html);
        Assert.StartsWith("Confirm your subscription to PTC Secretariat digests", mail.Message.Subject);
        var link = ConfirmLink(mail);
        Assert.StartsWith(BaseUrl + "/api/confirm?token=", link);
        Assert.Contains($"href=\"{link}\"", mail.Html);

        var confirmed = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(link).Query);

        Assert.Equal(200, confirmed.Status);
        Assert.Contains("Subscription confirmed", confirmed.Body);
        Assert.Contains("Every digest we send you ends with links to change your preferences or to unsubscribe.", confirmed.Body);
        Assert.DoesNotContain("preferences?token=", confirmed.Body);
        var active = await c.Store.FindByEmailAsync(Email, ct);
        Assert.Equal(SubscriberStatus.Active, active!.Status);
        Assert.Equal(
            ("Aziz Karimov", "State Customs Committee", "UZ", DigestFrequency.Daily),
            (active.Name, active.Organization, active.Country, active.Frequency));
        Assert.Equal(["e-commerce"], active.TopicList);
        Assert.Equal("self-service", active.Consent?.Source);
        Assert.Equal(c.Host.Time.GetUtcNow(), active.Consent?.ConfirmedAt);
        var audit = Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(active.Id, ct));
        Assert.Equal(("subscriber", "subscribed"), (audit.Actor, audit.Action));
        Assert.Equal("self-service, confirmed", audit.Changes["consent"]);

        // The link again: friendly, nothing changes, and still no preferences link (it would be a permanent one).
        c.Host.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(link).Query);
        Assert.Equal(200, again.Status);
        Assert.Contains("Already confirmed", again.Body);
        Assert.DoesNotContain("preferences?token=", again.Body);
        Assert.Equivalent(active, await c.Store.FindByEmailAsync(Email, ct), strict: true);
    }

    [Fact]
    public async Task OpeningTheConfirmationLinkDoesNotConfirmUntilTheButtonIsPressed()
    {
        // Mailbox link scanners open every link in a message: a GET must never confirm on the subscriber's behalf.
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form(Email));
        await SendConfirmationsAsync(c);
        var query = new Uri(ConfirmLink(Assert.Single(Mails(c)))).Query;

        var opened = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "GET", query);

        Assert.Equal(200, opened.Status);
        Assert.Contains("<form method=\"post\" action=\"confirm" + query + "\">", opened.Body);
        Assert.Null(await c.Store.FindByEmailAsync(Email, ct));
        var pressed = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", query);
        Assert.Contains("Subscription confirmed", pressed.Body);
        Assert.Equal(SubscriberStatus.Active, (await c.Store.FindByEmailAsync(Email, ct))!.Status);
    }

    [Fact]
    public async Task SomeoneWhoUnsubscribedCanSubscribeAgainWithAFreshConfirmation()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await c.Store.UpsertManyAsync([new NewSubscriber(Email, "Aziz Karimov", "Customs Committee of Uzbekistan", Status: SubscriberStatus.Unsubscribed)], ct);
        var before = (await c.Store.FindByEmailAsync(Email, ct))!;

        var answer = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form(Email));
        await SendConfirmationsAsync(c);

        Assert.Equal(200, answer.Status);
        Assert.Equivalent(before, await c.Store.FindByEmailAsync(Email, ct), strict: true);
        c.Host.Time.Advance(TimeSpan.FromMinutes(3));
        await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(ConfirmLink(Assert.Single(Mails(c)))).Query);
        var active = (await c.Store.FindByEmailAsync(Email, ct))!;
        Assert.Equal(SubscriberStatus.Active, active.Status);
        // The request's data, and a fresh consent: given when the form was sent, confirmed when the link was used.
        Assert.Equal(("Test Reader", "Customs Administration"), (active.Name, active.Organization));
        Assert.Equal(new Consent("self-service", c.Host.Time.GetUtcNow().AddMinutes(-3), c.Host.Time.GetUtcNow()), active.Consent);
        var entry = Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(active.Id, ct));
        Assert.Equal(("subscriber", "subscribed again"), (entry.Actor, entry.Action));
        Assert.Equal("unsubscribed → active", entry.Changes["status"]);
    }

    [Fact]
    public async Task ConfirmationIsResentAtMostOncePerTenMinutesEvenAcrossARestart()
    {
        var ct = TestContext.Current.CancellationToken;
        var outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", "subscriptions-" + Guid.NewGuid().ToString("N")[..10]);
        var settings = TestSettings.For(azurite, outbox);
        settings["Links:BaseUrl"] = BaseUrl;
        Response first;
        DateTimeOffset now;
        await using (var c = new Context(await TestHost.StartAsync(settings), outbox))
        {
            first = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
            await SendConfirmationsAsync(c);
            c.Host.Time.Advance(TimeSpan.FromMinutes(5));
            var second = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
            await SendConfirmationsAsync(c);
            Assert.Equal(first.Status, second.Status);
            Assert.Equal(first.Body, second.Body);
            Assert.Single(Mails(c));
            now = c.Host.Time.GetUtcNow();
        }

        // Another instance (or a restart) at the same moment: the limit is on the record, not in memory.
        await using (var c = new Context(await TestHost.StartAsync(settings, now.AddMinutes(1)), outbox))
        {
            var third = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
            await SendConfirmationsAsync(c);
            Assert.Equal(first.Body, third.Body);
            Assert.Single(Mails(c));

            // 11 minutes after the first email: a second one, with a link that works too.
            c.Host.Time.Advance(TimeSpan.FromMinutes(5));
            var fourth = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
            await SendConfirmationsAsync(c);
            Assert.Equal(first.Body, fourth.Body);
            var mails = Mails(c);
            Assert.Equal(2, mails.Count);
            var newest = mails.OrderBy(m => m.Path, StringComparer.Ordinal).Last();
            var confirmed = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(ConfirmLink(newest)).Query);
            Assert.Contains("Subscription confirmed", confirmed.Body);
            Assert.Equal(SubscriberStatus.Active, (await c.Store.FindByEmailAsync(Email, ct))!.Status);
        }
    }

    [Fact]
    public async Task UnknownPendingAndActiveAddressesGetByteIdenticalAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await c.Store.AddAsync(new NewSubscriber("known@customs.example", "Known Reader", "Customs of Known"), ct);
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("pending@customs.example"));
        await SendConfirmationsAsync(c);
        var mailsBefore = Mails(c).Count;

        var unknown = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("unknown@customs.example"));
        var known = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("known@customs.example"));
        var pending = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("pending@customs.example"));
        await SendConfirmationsAsync(c);

        Assert.Equal(unknown.Status, known.Status);
        Assert.Equal(unknown.Status, pending.Status);
        Assert.Equal(Encoding.UTF8.GetBytes(unknown.Body), Encoding.UTF8.GetBytes(known.Body));
        Assert.Equal(Encoding.UTF8.GetBytes(unknown.Body), Encoding.UTF8.GetBytes(pending.Body));
        Assert.Equal(HeaderText(unknown), HeaderText(known));
        Assert.Equal(HeaderText(unknown), HeaderText(pending));
        // The unknown address got a confirmation, the active one its manage link (from the queue, after the same answer); the
        // pending one nothing (a confirmation went to it less than the resend interval ago).
        Assert.Equal(mailsBefore + 2, Mails(c).Count);
        Assert.Single(Mails(c), m => m.Message.Recipient().Address == "known@customs.example"
            && m.Text.Contains("/api/preferences?token=", StringComparison.Ordinal));
        Assert.Equal(SubscriberStatus.Active, (await c.Store.FindByEmailAsync("known@customs.example", ct))!.Status);

        // The JSON form of the API answers the same way for all.
        var jsonUnknown = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", contentType: "application/json",
            body: """{"email":"other@customs.example","name":"Other Reader","organization":"Customs of Other"}""");
        var jsonKnown = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", contentType: "application/json",
            body: """{"email":"known@customs.example","name":"Known Reader","organization":"Customs of Known"}""");
        Assert.Equal(202, jsonUnknown.Status);
        Assert.Equal(jsonUnknown.Body, jsonKnown.Body);
        using var json = JsonDocument.Parse(jsonUnknown.Body);
        Assert.Equal("pending-confirmation", json.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task InvalidFormIsShownAgainWithTheFieldMarkedAndNothingIsStored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();

        var answer = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST",
            body: "email=a.karimov%40customs.example&name=&organization=State+Customs+Committee&language=en&frequency=daily");

        Assert.Equal(400, answer.Status);
        Assert.Contains("Enter your name", answer.Body);
        Assert.Matches("id=\"name\"[^>]*aria-invalid=\"true\"", answer.Body);
        Assert.Contains("value=\"a.karimov@customs.example\"", answer.Body);
        Assert.Null(await c.Store.FindByEmailAsync(Email, ct));
        Assert.Empty(Mails(c));
    }

    [Fact]
    public async Task EveryMistakeOfTheFormIsNamedAtOnceBesideItsFieldWithTheChoicesKept()
    {
        await using var c = await StartAsync();

        var answer = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST",
            body: "email=a.karimov%40%40customs.example&name=&organization=&language=ru&frequency=weekly&time_zone=Asia%2FTashkent" +
                "&delivery_hour=25&weekly_day=wednesday&topics=e-commerce", query: "?lang=ru");

        Assert.Equal(400, answer.Status);
        var t = PageWords.Texts["ru"];
        var summary = System.Text.RegularExpressions.Regex.Matches(answer.Body, "<li><a href=\"#([a-z_-]+)\">").Select(m => m.Groups[1].Value);
        Assert.Equal(["email", "name", "organization", "delivery_hour"], summary);
        foreach (var key in new[] { "error_email", "error_name", "error_organization", "error_delivery_hour" })
            Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(answer.Body, System.Text.RegularExpressions.Regex.Escape(t[key])));
        var html = System.Net.WebUtility.HtmlDecode(answer.Body);
        Assert.Contains("<option value=\"Asia/Tashkent\" selected>Ташкент (Узбекистан) · UTC+05:00</option>", html);
        Assert.Contains("<option value=\"wednesday\" selected>Среда</option>", html);
        Assert.Matches("id=\"frequency-weekly\"[^>]*checked", answer.Body);
        Assert.Matches("value=\"e-commerce\" checked", answer.Body);
        Assert.Empty(Mails(c));
    }

    [Fact]
    public async Task TamperedTokenShowsAnErrorPageAndChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
        await SendConfirmationsAsync(c);
        var token = TokenOf(ConfirmLink(Assert.Single(Mails(c))));
        var tampered = token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..];

        var answer = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "GET", "?token=" + tampered);

        Assert.Equal(400, answer.Status);
        Assert.Contains("This link cannot be used", answer.Body);
        Assert.Contains(
            WebUtility.HtmlEncode(new InvalidTokenException(
                TokenProblem.BadSignature,
                "This link is not valid. Copy the whole link from the email, or ask for a new one.").Message),
            answer.Body);
        Assert.DoesNotContain(tampered, answer.Body);
        Assert.Null(await c.Store.FindByEmailAsync(Email, ct));

        var empty = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "GET");
        Assert.Equal(400, empty.Status);
        Assert.Contains("incomplete or damaged", empty.Body);
    }

    [Fact]
    public async Task ExpiredConfirmationLinkShowsAnErrorPage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
        await SendConfirmationsAsync(c);
        var link = ConfirmLink(Assert.Single(Mails(c)));
        c.Host.Time.Advance(TimeSpan.FromDays(8));

        var answer = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "GET", new Uri(link).Query);

        Assert.Equal(410, answer.Status);
        Assert.Contains("This link has expired. Ask for a new confirmation email.", answer.Body);
        Assert.Contains("href=\"subscribe?lang=en\"", answer.Body);
        Assert.Null(await c.Store.FindByEmailAsync(Email, ct));
    }

    [Fact]
    public async Task UnsubscribeTokenIsRefusedOnConfirm()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
        await SendConfirmationsAsync(c);
        var id = c.Host.Get<SubscriptionTokens>().Verify(TokenOf(ConfirmLink(Assert.Single(Mails(c)))), TokenPurpose.Confirm).SubscriberId;
        var token = c.Host.Get<SubscriptionTokens>().Issue(id, TokenPurpose.Unsubscribe);

        var answer = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", "?token=" + token);

        Assert.Equal(400, answer.Status);
        Assert.Contains("This link is meant for a different action.", answer.Body);
        Assert.Null(await c.Store.GetAsync(id, ct));
    }

    [Theory]
    [InlineData(SubscriberStatus.Bounced)]
    [InlineData(SubscriberStatus.Complained)]
    [InlineData(SubscriberStatus.Suspended)]
    public async Task ConfirmationLinkDoesNotReactivateABouncedComplainedOrSuspendedAddress(SubscriberStatus status)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
        await SendConfirmationsAsync(c);
        var link = ConfirmLink(Assert.Single(Mails(c)));
        // After the email went out, the address came in by an import, and then bounced, complained or was suspended.
        var stored = await c.Store.AddAsync(
            new NewSubscriber(Email, "Aziz Karimov", "Customs Committee of Uzbekistan", "ru", DigestFrequency.Weekly, status), ct);

        var answer = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(link).Query);

        Assert.Equal(200, answer.Status);
        Assert.Contains("Подписка не активна", answer.Body);
        Assert.Equivalent(stored, await c.Store.GetAsync(stored.Id, ct), strict: true);
    }

    [Fact]
    public async Task OneClickPostUnsubscribesAtOnceAndIsIdempotent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var link = c.Host.Get<SubscriptionLinks>().Unsubscribe(subscriber.Id);
        Assert.StartsWith(BaseUrl + "/api/unsubscribe?token=", link);

        // What a mailbox provider sends (RFC 8058): a POST with this form body, no cookie, no script, no further step.
        var answer = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", new Uri(link).Query, body: "List-Unsubscribe=One-Click");

        Assert.Equal(200, answer.Status);
        Assert.Contains("You are unsubscribed", answer.Body);
        Assert.False(answer.Headers.ContainsKey("Set-Cookie"));
        Assert.Equal(SubscriberStatus.Unsubscribed, (await c.Store.GetAsync(subscriber.Id, ct))!.Status);
        var entry = Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(subscriber.Id, ct));
        Assert.Equal(("subscriber", "unsubscribed"), (entry.Actor, entry.Action));
        Assert.Equal("active → unsubscribed", entry.Changes["status"]);
        Assert.Equal("one-click", entry.Changes["via"]);

        var again = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", new Uri(link).Query, body: "List-Unsubscribe=One-Click");
        Assert.Equal(200, again.Status);
        Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(subscriber.Id, ct));

        var forged = await CallAsync(
            c,
            (f, r, t) => f.Unsubscribe(r, t),
            "POST",
            "?token=" + c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences),
            body: "List-Unsubscribe=One-Click");
        Assert.Equal(400, forged.Status);
    }

    [Fact]
    public async Task UnsubscribePageShowsButtonsThatPostBackAndChangeNothingByThemselves()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var token = c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Unsubscribe);

        var page = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "GET", "?token=" + token);

        Assert.Equal(200, page.Status);
        // The unsubscribe button, and "send me weekly instead" for a daily subscription; the subscriber's own address, in full.
        Assert.Equal(2, Regex.Count(page.Body, "<button"));
        Assert.Equal(2, Regex.Count(page.Body, "<form"));
        Assert.Contains($"<form method=\"post\" action=\"unsubscribe?token={token}\">", page.Body);
        Assert.Contains(Email, page.Body);
        Assert.DoesNotContain("<script", page.Body);
        Assert.Equal(SubscriberStatus.Active, (await c.Store.GetAsync(subscriber.Id, ct))!.Status);

        // Pressing the button.
        var done = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", "?token=" + token, body: "List-Unsubscribe=One-Click&via=page");
        Assert.Equal(200, done.Status);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await c.Store.GetAsync(subscriber.Id, ct))!.Status);
        Assert.Equal("page", Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(subscriber.Id, ct)).Changes["via"]);
    }

    [Fact]
    public async Task PreferencesFormChangesFrequencyLanguageTopicsAndTimeZoneAndIsAudited()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var token = c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences);

        var form = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "GET", "?token=" + token);
        Assert.Equal(200, form.Status);
        Assert.Contains($"action=\"preferences?token={token}\"", form.Body);
        Assert.Contains("<input type=\"radio\" id=\"frequency-daily\" name=\"frequency\" value=\"daily\" checked>", form.Body);
        Assert.Contains("value=\"green customs\"", form.Body);
        Assert.Contains("<option value=\"Asia/Tashkent\">", form.Body);
        Assert.Contains("<option value=\"UTC\" selected>", form.Body);

        var saved = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token,
            body: "frequency=weekly&topics=e-commerce&topics=data+model&language=fr&time_zone=Asia%2FTashkent");

        Assert.Equal(200, saved.Status);
        Assert.Contains("<html lang=\"fr\"", saved.Body);
        Assert.Contains("Vos préférences sont enregistrées.", saved.Text);
        Assert.Contains("value=\"weekly\" checked>", saved.Body);
        Assert.Contains("<option value=\"Asia/Tashkent\" selected>", saved.Body);
        var after = (await c.Store.GetAsync(subscriber.Id, ct))!;
        Assert.Equal(DigestFrequency.Weekly, after.Frequency);
        Assert.Equal("fr", after.Language);
        Assert.Equal(["e-commerce", "data model"], after.TopicList);
        Assert.Equal("Asia/Tashkent", after.TimeZone);
        Assert.Equal(SubscriberStatus.Active, after.Status);
        var entry = Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(subscriber.Id, ct));
        Assert.Equal(("subscriber", "updated"), (entry.Actor, entry.Action));
        Assert.Equal("daily → weekly", entry.Changes["frequency"]);
        Assert.Equal("en → fr", entry.Changes["language"]);
        Assert.Equal(" → e-commerce,data model", entry.Changes["topics"]);
        Assert.Equal("UTC → Asia/Tashkent", entry.Changes["time_zone"]);

        // An unknown time zone: an error on the form, and nothing changes.
        var bad = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token, body: "frequency=daily&language=en&time_zone=Mars%2FOlympus");
        Assert.Equal(400, bad.Status);
        Assert.Contains("Choisissez un fuseau horaire dans la liste.", bad.Text);
        Assert.Equivalent(after, await c.Store.GetAsync(subscriber.Id, ct), strict: true);
    }

    [Fact]
    public async Task PreferencesPageSavesDeliveryHour()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync(s => s["Schedule:DeliveryHour"] = "7");
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee", TimeZone: "Asia/Tashkent"), ct);
        var token = c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences);

        // The select: the configured default first (chosen while the subscriber has no hour of their own), then 00:00 to 23:00.
        var form = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "GET", "?token=" + token);
        Assert.Equal(200, form.Status);
        Assert.Contains("<label for=\"delivery_hour\">Delivery time</label>", form.Body);
        var options = DeliveryHourOptions(form.Body);
        Assert.Equal(25, options.Count);
        Assert.Equal(("", "Default (07:00)", true), options[0]);
        Assert.Equal(
            Enumerable.Range(0, 24).Select(h => (h.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{h:00}:00", false)),
            options.Skip(1));

        c.Host.Time.Advance(TimeSpan.FromMinutes(1));
        var saved = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token,
            body: "frequency=daily&language=en&time_zone=Asia%2FTashkent&delivery_hour=6");

        Assert.Equal(200, saved.Status);
        Assert.Contains("Your preferences are saved.", saved.Body);
        Assert.Equal(("6", "06:00", true), Assert.Single(DeliveryHourOptions(saved.Body), o => o.Selected));
        Assert.Equal(6, (await c.Store.GetAsync(subscriber.Id, ct))!.DeliveryHour);
        var entry = Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(subscriber.Id, ct));
        Assert.Equal(("subscriber", "updated"), (entry.Actor, entry.Action));
        Assert.Equal(new Dictionary<string, string> { ["deliveryHour"] = "default → 6" }, entry.Changes);

        // A form without the field (a page rendered before it existed) leaves the hour alone; an invalid hour changes nothing.
        await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token, body: "frequency=weekly&language=en&time_zone=Asia%2FTashkent");
        Assert.Equal(6, (await c.Store.GetAsync(subscriber.Id, ct))!.DeliveryHour);
        var bad = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token,
            body: "frequency=daily&language=en&time_zone=UTC&delivery_hour=24");
        Assert.Equal(400, bad.Status);
        Assert.Contains("Choose a delivery time from the list.", bad.Body);
        var unchanged = (await c.Store.GetAsync(subscriber.Id, ct))!;
        Assert.Equal((6, DigestFrequency.Weekly, "Asia/Tashkent"), (unchanged.DeliveryHour, unchanged.Frequency, unchanged.TimeZone));

        // "Default" clears the subscriber's own hour.
        c.Host.Time.Advance(TimeSpan.FromMinutes(1));
        var reset = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token,
            body: "frequency=weekly&language=en&time_zone=Asia%2FTashkent&delivery_hour=");
        Assert.Equal(200, reset.Status);
        Assert.Equal(("", "Default (07:00)", true), Assert.Single(DeliveryHourOptions(reset.Body), o => o.Selected));
        Assert.Null((await c.Store.GetAsync(subscriber.Id, ct))!.DeliveryHour);
        Assert.Equal("6 → default", (await c.Host.Get<SubscriberAudit>().ListAsync(subscriber.Id, ct))[0].Changes["deliveryHour"]);
    }

    [Theory]
    [InlineData("ru", "Время отправки", "По умолчанию (08:00)", "Выберите время отправки из списка.")]
    [InlineData("fr", "Heure d'envoi", "Par défaut (08:00)", "Choisissez une heure d'envoi dans la liste.")]
    public async Task PreferencesPageLabelsDeliveryTimeInTheSubscribersLanguage(string language, string label, string byDefault, string error)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee", language), ct);
        var token = c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences);

        var form = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "GET", "?token=" + token);
        var bad = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token, body: $"language={language}&delivery_hour=noon");

        Assert.Contains($"<label for=\"delivery_hour\">{label}</label>", form.Text);
        Assert.Equal(("", byDefault, true), DeliveryHourOptions(form.Text)[0]);
        Assert.Equal(400, bad.Status);
        Assert.Contains(error, bad.Text);
        Assert.Null((await c.Store.GetAsync(subscriber.Id, ct))!.DeliveryHour);
    }

    [Fact]
    public async Task PreferencesCanUnsubscribeFromEverything()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var token = c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences);

        var saved = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token,
            body: "frequency=daily&language=en&time_zone=UTC&unsubscribe=all");

        Assert.Equal(200, saved.Status);
        Assert.Contains("you are unsubscribed", saved.Body);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await c.Store.GetAsync(subscriber.Id, ct))!.Status);
        var entry = Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(subscriber.Id, ct));
        Assert.Equal(("subscriber", "unsubscribed"), (entry.Actor, entry.Action));
        Assert.Equal("preferences", entry.Changes["via"]);
    }

    [Fact]
    public async Task TooManySubscribeRequestsFromOneClientGet429()
    {
        await using var c = await StartAsync(s => s["SelfService:ClientRequestsPerHour"] = "10");
        var client = IPAddress.Parse("198.51.100.23");

        for (var i = 0; i < 10; i++)
        {
            var ok = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form($"reader{i}@customs.example"), remote: client);
            Assert.Equal(200, ok.Status);
        }
        var limited = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("reader10@customs.example"), remote: client);

        Assert.Equal(429, limited.Status);
        Assert.Equal("3600", limited.Headers.RetryAfter.ToString());
        Assert.Contains("Too many requests", limited.Body);
        Assert.Contains("Please try again after 08:00 UTC (in 60 min).", limited.Body);
        await SendConfirmationsAsync(c);
        Assert.Equal(10, Mails(c).Count);
        Assert.Null(await c.Store.FindByEmailAsync("reader10@customs.example", TestContext.Current.CancellationToken));

        // Another client is not affected; and after an hour this one may go on.
        Assert.Equal(200, (await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST",
            body: Form("other@customs.example"), remote: IPAddress.Parse("198.51.100.24"))).Status);
        c.Host.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(200, (await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("reader10@customs.example"), remote: client)).Status);
    }

    [Fact]
    public async Task EveryPageHasTheSecurityHeadersAndALanguage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync(s => s["SelfService:ClientRequestsPerHour"] = "2");
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var tokens = c.Host.Get<SubscriptionTokens>();
        var unsubscribe = "?token=" + tokens.Issue(subscriber.Id, TokenPurpose.Unsubscribe);
        var preferences = "?token=" + tokens.Issue(subscriber.Id, TokenPurpose.Preferences);

        var pages = new List<Response>
        {
            await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "GET"),
            await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("new@customs.example")),
            await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: "email=bad"),
            await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("other@customs.example")),
            // The form with a mistake counted nothing: the client's third valid post is the one over its two.
            await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: Form("third@customs.example")),
            await CallAsync(c, (f, r, t) => f.Confirm(r, t), "GET", "?token=" + tokens.Issue(subscriber.Id, TokenPurpose.Confirm)),
            await CallAsync(c, (f, r, t) => f.Confirm(r, t), "GET", "?token=broken"),
            await CallAsync(c, (f, r, t) => f.Confirm(r, t), "DELETE"),
            await CallAsync(c, (f, r, t) => f.Preferences(r, t), "GET", preferences),
            await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", preferences, body: "frequency=weekly&language=en&time_zone=UTC"),
            await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "GET", unsubscribe),
            await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", unsubscribe, body: "List-Unsubscribe=One-Click"),
        };

        Assert.Contains(pages, p => p.Status == 429);
        Assert.Contains(pages, p => p.Status == 405);
        Assert.All(pages, p =>
        {
            // The subscribe form alone runs one script of this site's (it preselects the browser's time zone); no other page has any.
            var form = p.Body.Contains("<form method=\"post\" action=\"subscribe?", StringComparison.Ordinal);
            Assert.Equal(
                form
                    ? "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
                    : "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
                p.Headers.ContentSecurityPolicy.ToString());
            Assert.Equal("nosniff", p.Headers.XContentTypeOptions.ToString());
            Assert.Equal("no-referrer", p.Headers["Referrer-Policy"].ToString());
            Assert.Equal("no-store", p.Headers.CacheControl.ToString());
            Assert.Equal("text/html; charset=utf-8", p.Headers.ContentType.ToString());
            Assert.False(p.Headers.ContainsKey("Set-Cookie"));
            Assert.Matches("^<!DOCTYPE html>\n<html lang=\"(en|ru|fr)\"", p.Body);
            Assert.Contains("<meta name=\"viewport\"", p.Body);
            Assert.Equal(form ? 1 : 0, System.Text.RegularExpressions.Regex.Count(p.Body, "<script"));
            if (form) Assert.Contains("<script src=\"console/static/subscribe-zone.js\"></script>", p.Body);
            Assert.DoesNotMatch("(src|href)=\"(https?:)?//", p.Body);
        });

        var json = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", contentType: "application/json", body: "{}");
        Assert.Equal("nosniff", json.Headers.XContentTypeOptions.ToString());
        Assert.Equal("no-store", json.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task PagesAndTheConfirmationEmailAreInRussianAndFrench()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();

        var ru = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "GET", "?lang=ru");
        Assert.Contains("<html lang=\"ru\"", ru.Body);
        Assert.Contains("Подписка на обзоры", ru.Body);
        Assert.Contains("Адрес электронной почты", ru.Body);
        Assert.Contains("Электронная торговля", ru.Body);

        var fr = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "GET", acceptLanguage: "de-CH, fr-CH;q=0.9, en;q=0.5");
        Assert.Contains("<html lang=\"fr\"", fr.Body);
        Assert.Contains("Adresse électronique", fr.Text);
        Assert.Contains("Une fois par semaine", fr.Text);

        var pending = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", "?lang=ru",
            body: "email=i.petrov%40customs.example&name=%D0%98%D0%B2%D0%B0%D0%BD+%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2&organization=FCS&language=ru" +
                "&frequency=weekly");
        Assert.Equal(200, pending.Status);
        Assert.Contains("Проверьте почту", pending.Body);
        await SendConfirmationsAsync(c);
        var mail = Assert.Single(Mails(c));
        Assert.Contains("Здравствуйте!", mail.Text);
        Assert.DoesNotContain("Иван", mail.Text);
        Assert.Contains("Ссылка действует 7 дней.", mail.Text);
        Assert.Contains("<html lang=\"ru\">", mail.Html);
        Assert.Contains("Подтвердить подписку", mail.Html);

        var confirmed = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(ConfirmLink(mail)).Query + "&lang=en");
        Assert.Contains("<html lang=\"ru\"", confirmed.Body);
        Assert.Contains("Подписка подтверждена", confirmed.Body);

        var subscriber = (await c.Store.FindByEmailAsync("i.petrov@customs.example", ct))!;
        var token = c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences);
        var preferences = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "GET", "?token=" + token);
        Assert.Contains("Настройки подписки", preferences.Body);
        Assert.Contains("Часовой пояс", preferences.Body);

        var expiredFr = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "GET", "?token=x&lang=fr");
        Assert.Contains("Ce lien ne peut pas être utilisé", expiredFr.Text);
        Assert.Contains("Ce lien est incomplet ou endommagé.", expiredFr.Text);
    }

    [Fact]
    public async Task LinksBaseUrlIsValidatedOnStart()
    {
        var settings = TestSettings.For(azurite);
        settings["Links:BaseUrl"] = "ftp://notify.example";
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Links:BaseUrl", e.Message);
    }

    [Fact]
    public void SelfServiceFunctionsAreAnonymousHttpTriggersOutsideTheAdminRoutes()
    {
        var metadata = FunctionsMetadata.File();
        using var document = JsonDocument.Parse(File.ReadAllText(metadata));
        var expected = new Dictionary<string, (string Route, string[] Methods)>
        {
            ["Subscribe"] = ("subscribe", ["get", "post"]),
            ["Confirm"] = ("confirm", ["get", "post"]),
            ["Unsubscribe"] = ("unsubscribe", ["get", "post"]),
            ["Preferences"] = ("preferences", ["get", "post"]),
        };
        foreach (var (name, (route, methods)) in expected)
        {
            var function = Assert.Single(document.RootElement.EnumerateArray(), f => f.GetProperty("name").GetString() == name);
            var trigger = Assert.Single(function.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "httpTrigger");
            Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
            Assert.Equal(route, trigger.GetProperty("route").GetString());
            Assert.Equal(methods, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToArray());
        }
        Assert.DoesNotContain(document.RootElement.EnumerateArray(), f =>
            f.GetProperty("name").GetString()!.StartsWith("admin", StringComparison.OrdinalIgnoreCase)
            || f.GetProperty("bindings").EnumerateArray()
                .Any(b => b.TryGetProperty("route", out var r) && r.GetString()!.StartsWith("admin", StringComparison.OrdinalIgnoreCase)));
    }

    // ---- Helpers ----

    /// <summary>Sends the confirmation emails of the queued subscribe requests, as the SubscribeConfirmation queue function does.</summary>
    private static Task<int> SendConfirmationsAsync(Context c)
    {
        var function = ActivatorUtilities.CreateInstance<SubscribeConfirmation>(c.Host.Services);
        return c.Host.Get<SubscribeConfirmationQueue>().DrainAsync((m, t) => function.Run(SubscribeConfirmationQueue.Serialize(m), t),
            TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    private static string Form(string email)
        => $"email={Uri.EscapeDataString(email)}&name=Test+Reader&organization=Customs+Administration&language=en&frequency=daily";

    private static async Task<Response> CallAsync(
        Context c, Func<Subscriptions, HttpRequest, CancellationToken, Task<IResult>> function, string method, string query = "",
        string? contentType = null, string? body = null, IPAddress? remote = null, string? acceptLanguage = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var context = new DefaultHttpContext { RequestServices = c.Host.Services };
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("notify.secretariat.example");
        context.Request.Path = "/api/x";
        context.Request.QueryString = new QueryString(query.Length == 0 || query.StartsWith('?') ? query : "?" + query);
        context.Connection.RemoteIpAddress = remote ?? IPAddress.Parse("203.0.113.7");
        if (acceptLanguage is not null) context.Request.Headers.AcceptLanguage = acceptLanguage;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.ContentType = contentType ?? "application/x-www-form-urlencoded";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }
        var response = new MemoryStream();
        context.Response.Body = response;
        var functions = ActivatorUtilities.CreateInstance<Subscriptions>(c.Host.Services);

        var result = await function(functions, context.Request, ct);
        await result.ExecuteAsync(context);

        return new Response(context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()), context.Response.Headers);
    }

    /// <summary>The options of the delivery time select: value, label, selected.</summary>
    private static List<(string Value, string Label, bool Selected)> DeliveryHourOptions(string html)
    {
        var select = Regex.Match(html, "<select id=\"delivery_hour\" name=\"delivery_hour\"[^>]*>(?<options>.*?)</select>", RegexOptions.Singleline);
        Assert.True(select.Success, "No delivery time select on the page.");
        return Regex.Matches(select.Groups["options"].Value, "<option value=\"(?<value>[^\"]*)\"(?<selected> selected)?>(?<label>[^<]*)</option>")
            .Select(m => (m.Groups["value"].Value, WebUtility.HtmlDecode(m.Groups["label"].Value), m.Groups["selected"].Success))
            .ToList();
    }

    private static string HeaderText(Response r)
        => string.Join("\n", r.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {h.Value}"));

    /// <summary>An outbox message as MimeKit reads it, with its raw text (to prove what it does not contain) and its two parts.</summary>
    private sealed record Mail(string Path, MimeKit.MimeMessage Message, string Raw)
    {
        public string Text => Message.TextBody ?? throw new InvalidOperationException("No text/plain part in the message.");
        public string Html => Message.HtmlBody ?? throw new InvalidOperationException("No text/html part in the message.");
    }

    private static IReadOnlyList<Mail> Mails(Context c)
    {
        if (!Directory.Exists(c.Outbox)) return [];
        return Directory.GetFiles(c.Outbox, "*.eml", SearchOption.AllDirectories)
            .Select(path => new Mail(path, OutboxMail.Read(path), File.ReadAllText(path))).ToList();
    }

    private static string ConfirmLink(Mail mail)
    {
        var links = ConfirmLinkPattern().Matches(mail.Text).Select(m => m.Value).Distinct().ToList();
        return Assert.Single(links);
    }

    private static string TokenOf(string link) => link[(link.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..];

    [GeneratedRegex(@"https?://[^\s""<>]+/api/confirm\?token=[A-Za-z0-9_-]+")]
    private static partial Regex ConfirmLinkPattern();
}
