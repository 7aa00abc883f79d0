using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Functions.Tests;

/// <summary>
/// The ways back, so that a subscriber never hits a dead end: the manage-link request page, undo and "weekly instead" on the
/// unsubscribed page, resubscribing from the preferences page of an inactive subscription, the manage link for an active subscriber
/// who fills in the subscribe form again, and the manage-link offer on every broken-link page.
/// </summary>
public sealed partial class SubscriptionsTests
{
    private static readonly IPAddress OtherClient = IPAddress.Parse("198.51.100.20");

    [Fact]
    public async Task ManageLinkRequestMailsTheLinkToAKnownAddressOnlyAndAnswersTheSameForAnUnknownOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        // A record without a name (written as older imports did): the mail greets without one.
        await c.Store.WriteManyAsync([c.Store.Create(new NewSubscriber(Email, "x", "State Customs Committee"), "admin") with { Name = "" }], ct);
        var subscriber = (await c.Store.FindByEmailAsync(Email, ct))!;

        var form = await CallAsync(c, (f, r, t) => f.ManageLink(r, t), "GET", "?lang=en");
        Assert.Equal(200, form.Status);
        Assert.Contains("Email me a link to manage my subscription", form.Text);
        var token = FormToken(form);

        var known = await CallAsync(c, (f, r, t) => f.ManageLink(r, t), "POST", "?lang=en", body: ManageLinkForm(Email, token));
        var unknown = await CallAsync(c, (f, r, t) => f.ManageLink(r, t), "POST", "?lang=en", body: ManageLinkForm("nobody@customs.example", token));

        Assert.Equal(200, known.Status);
        Assert.Contains("Check your inbox", known.Body);
        Assert.Equal(Encoding.UTF8.GetBytes(unknown.Body), Encoding.UTF8.GetBytes(known.Body));
        Assert.Equal(HeaderText(unknown), HeaderText(known));
        Assert.DoesNotContain(Email, known.Body);

        Assert.Equal(2, await SendConfirmationsAsync(c));
        var mail = Assert.Single(Mails(c));
        Assert.Equal(Email, mail.Message.Recipient().Address);
        Assert.Contains("/api/preferences?token=", mail.Text);
        Assert.Contains("/api/unsubscribe?token=", mail.Text);
        // No name was given: a greeting that needs none; and the mail says it was asked for online, and what to do if not by them.
        Assert.StartsWith("Hello,", mail.Text.Trim());
        Assert.Contains("Someone, probably you, asked on our website", mail.Text);
        Assert.Contains("If you did not ask for it, ignore this email", mail.Text);
        var entry = Assert.Single(await c.Host.Get<SubscriberAudit>().ListAsync(subscriber.Id, ct), e => e.Action == "manage link sent");
        Assert.Equal("subscriber", entry.Actor);
    }

    [Fact]
    public async Task ManageLinkPostWithoutItsFormTokenQueuesNothingAndShowsTheFormAgain()
    {
        await using var c = await StartAsync();
        await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), TestContext.Current.CancellationToken);

        var forged = await CallAsync(c, (f, r, t) => f.ManageLink(r, t), "POST", "?lang=en", body: ManageLinkForm(Email, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));

        Assert.Equal(400, forged.Status);
        Assert.Contains("This form has expired", forged.Body);
        Assert.Contains($"value=\"{Email}\"", forged.Body);
        Assert.Equal(0, await SendConfirmationsAsync(c));
        Assert.Empty(Mails(c));
    }

    [Fact]
    public async Task ManageLinkRequestsAreLimitedPerAddressAndAnInvalidAddressDoesNotCount()
    {
        await using var c = await StartAsync(s => s["SelfService:ManageLinkRequestsPerAddressPerHour"] = "1");
        var token = FormToken(await CallAsync(c, (f, r, t) => f.ManageLink(r, t), "GET", "?lang=ru"));

        var invalid = await CallAsync(c, (f, r, t) => f.ManageLink(r, t), "POST", "?lang=ru", body: ManageLinkForm("not-an-address", token));
        var first = await CallAsync(c, (f, r, t) => f.ManageLink(r, t), "POST", "?lang=ru", body: ManageLinkForm(Email, token));
        var second = await CallAsync(c, (f, r, t) => f.ManageLink(r, t), "POST", "?lang=ru",
            body: ManageLinkForm(Email.ToUpperInvariant(), token), remote: OtherClient);

        Assert.Equal(400, invalid.Status);
        Assert.Contains("aria-invalid=\"true\"", invalid.Body);
        Assert.Equal(200, first.Status);
        Assert.Contains("Проверьте почту", first.Text);
        Assert.Equal(429, second.Status);
        Assert.Equal(1, await SendConfirmationsAsync(c));
    }

    [Fact]
    public async Task AnActiveSubscriberWhoSubscribesAgainReceivesTheirManageLinkAndNothingChanges()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var before = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee", Frequency: DigestFrequency.Weekly), ct);

        var answer = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", body: SubscribeForm);
        Assert.Contains("Check your inbox", answer.Body);
        Assert.Equal(1, await SendConfirmationsAsync(c));

        var mail = Assert.Single(Mails(c));
        Assert.Equal(Email, mail.Message.Recipient().Address);
        Assert.Contains("/api/preferences?token=", mail.Text);
        Assert.DoesNotContain("/api/confirm?token=", mail.Text);
        Assert.Equivalent(before, await c.Store.GetAsync(before.Id, ct), strict: true);
    }

    [Fact]
    public async Task UnsubscribingCanBeUndoneWithOneClickFromTheSameLinkWithinTheGracePeriod()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var query = "?token=" + c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Unsubscribe);

        var done = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", query, body: "List-Unsubscribe=One-Click&via=page");
        Assert.Equal(200, done.Status);
        Assert.Contains("You are unsubscribed", done.Body);
        Assert.Contains(Email, done.Body);
        Assert.Contains("Undo: keep my subscription", done.Body);
        Assert.Contains("until 3 December 2026", done.Body);
        Assert.Contains("Send me weekly instead", done.Body);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await c.Store.GetAsync(subscriber.Id, ct))!.Status);

        c.Host.Time.Advance(TimeSpan.FromDays(2));
        var undone = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", query, body: "action=undo");

        Assert.Equal(200, undone.Status);
        Assert.Contains("You are subscribed", undone.Body);
        var after = (await c.Store.GetAsync(subscriber.Id, ct))!;
        Assert.Equal((SubscriberStatus.Active, DigestFrequency.Daily), (after.Status, after.Frequency));
        var entry = (await c.Host.Get<SubscriberAudit>().ListAsync(subscriber.Id, ct)).MaxBy(e => e.At)!;
        Assert.Equal(("subscriber", "subscribed again", "unsubscribed → active", "undo"),
            (entry.Actor, entry.Action, entry.Changes["status"], entry.Changes["via"]));
        Assert.Empty(Mails(c));
    }

    [Fact]
    public async Task AfterTheGracePeriodSubscribingAgainFromTheUnsubscribeLinkIsDoubleOptInAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var query = "?token=" + c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Unsubscribe);
        await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", query, body: "List-Unsubscribe=One-Click");
        c.Host.Time.Advance(TimeSpan.FromDays(8));

        var page = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "GET", query);
        Assert.Contains("Subscribe again", page.Body);
        Assert.DoesNotContain("Undo", page.Body);
        var again = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", query, body: "action=undo");

        Assert.Contains("Check your inbox", again.Body);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await c.Store.GetAsync(subscriber.Id, ct))!.Status);
        Assert.Equal(1, await SendConfirmationsAsync(c));
        var confirm = await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(ConfirmLink(Assert.Single(Mails(c)))).Query);
        Assert.Contains("Subscription confirmed", confirm.Body);
        Assert.Equal(SubscriberStatus.Active, (await c.Store.GetAsync(subscriber.Id, ct))!.Status);
    }

    [Fact]
    public async Task SendMeWeeklyInsteadKeepsTheSubscriptionBeforeAndAfterUnsubscribing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var tokens = c.Host.Get<SubscriptionTokens>();
        var before = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var after = await c.Store.AddAsync(new NewSubscriber("b.tursunov@customs.example", "Bek Tursunov", "State Customs Committee", Language: "ru"), ct);

        // Before: the unsubscribe page offers it beside the button.
        var page = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "GET", "?token=" + tokens.Issue(before.Id, TokenPurpose.Unsubscribe));
        Assert.Contains(Email, page.Body);
        Assert.Contains("name=\"action\" value=\"weekly\"", page.Body);
        var weekly = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", "?token=" + tokens.Issue(before.Id, TokenPurpose.Unsubscribe),
            body: "action=weekly");
        Assert.Contains("one digest a week", weekly.Body);
        var kept = (await c.Store.GetAsync(before.Id, ct))!;
        Assert.Equal((SubscriberStatus.Active, DigestFrequency.Weekly), (kept.Status, kept.Frequency));

        // After: the unsubscribed page offers it, in the subscriber's language.
        var query = "?token=" + tokens.Issue(after.Id, TokenPurpose.Unsubscribe);
        var unsubscribed = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", query, body: "List-Unsubscribe=One-Click");
        Assert.Contains("Присылать раз в неделю", unsubscribed.Text);
        var back = await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "POST", query, body: "action=weekly");
        Assert.Contains("один обзор в неделю", back.Text);
        var record = (await c.Store.GetAsync(after.Id, ct))!;
        Assert.Equal((SubscriberStatus.Active, DigestFrequency.Weekly), (record.Status, record.Frequency));
    }

    [Fact]
    public async Task ThePreferencesLinkOfAnInactiveSubscriptionOffersToSubscribeAgainInsteadOfAFormThatSavesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        // Unsubscribed by an import long ago: no undo, so double opt-in again.
        await c.Store.UpsertManyAsync([new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee", Status: SubscriberStatus.Unsubscribed)], ct);
        var subscriber = (await c.Store.FindByEmailAsync(Email, ct))!;
        var query = "?token=" + c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences);

        var page = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "GET", query);
        Assert.Equal(200, page.Status);
        Assert.Contains("Your subscription is not active", page.Body);
        Assert.Contains(Email, page.Body);
        Assert.DoesNotContain("name=\"frequency\"", page.Body);
        Assert.Equal(1, Regex.Count(page.Body, "<button"));
        Assert.Contains("Subscribe again", page.Body);

        var again = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", query, body: "action=resubscribe");
        Assert.Contains("Check your inbox", again.Body);
        Assert.Equal(1, await SendConfirmationsAsync(c));
        await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(ConfirmLink(Assert.Single(Mails(c)))).Query);
        Assert.Equal(SubscriberStatus.Active, (await c.Store.GetAsync(subscriber.Id, ct))!.Status);

        // Active again: the link shows the form.
        Assert.Contains("name=\"frequency\"", (await CallAsync(c, (f, r, t) => f.Preferences(r, t), "GET", query)).Body);
    }

    [Fact]
    public async Task UnsubscribingOnThePreferencesPageCanBeUndoneThere()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee", Language: "fr"), ct);
        var query = "?token=" + c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences);

        var saved = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", query, body: "frequency=daily&language=fr&time_zone=UTC&unsubscribe=all");
        Assert.Contains("Votre abonnement n’est pas actif", saved.Text);
        Assert.Contains("Annuler\u00a0: garder mon abonnement", saved.Text);

        var back = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", query, body: "action=undo");
        Assert.Contains("name=\"frequency\"", back.Body);
        Assert.Contains("Votre abonnement est de nouveau actif", back.Text);
        Assert.Equal(SubscriberStatus.Active, (await c.Store.GetAsync(subscriber.Id, ct))!.Status);
    }

    [Theory]
    [InlineData("en", "Email me a link to manage my subscription")]
    [InlineData("ru", "Получить ссылку для управления подпиской")]
    public async Task EveryBrokenLinkPageOffersTheManageLinkRequest(string lang, string offer)
    {
        await using var c = await StartAsync();
        var gone = c.Store.Create(new NewSubscriber("gone@customs.example", "x", "x"), "admin").Id;
        var pages = new[]
        {
            await CallAsync(c, (f, r, t) => f.Unsubscribe(r, t), "GET", $"?lang={lang}&token=AAAA-not-a-token"),
            await CallAsync(c, (f, r, t) => f.Preferences(r, t), "GET", $"?lang={lang}&token=AAAA-not-a-token"),
            await CallAsync(c, (f, r, t) => f.Preferences(r, t), "GET",
                $"?lang={lang}&token=" + c.Host.Get<SubscriptionTokens>().Issue(gone, TokenPurpose.Preferences)),
        };
        foreach (var page in pages)
        {
            Assert.InRange(page.Status, 400, 410);
            Assert.Contains($"<a href=\"manage-link?lang={lang}\">", page.Body);
            Assert.Contains(offer, page.Text);
        }
    }

    private static string ManageLinkForm(string email, string token) => $"email={Uri.EscapeDataString(email)}&form_token={token}";

    private static string FormToken(Response form)
        => Regex.Match(form.Body, "name=\"form_token\" value=\"(?<t>[^\"]+)\"").Groups["t"].Value is { Length: > 0 } t
            ? t
            : throw new InvalidOperationException("No form token on the page.");
}
