using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Functions.Tests;

/// <summary>
/// A subscriber's profile in the console over HTTP (Admin role, anti-forgery tokens, no JavaScript), the address-change page the new
/// address confirms on, and the admin API's twins, over the Core composition and a real Azurite.
/// </summary>
public sealed partial class SubscriberProfilePageTests(AzuriteFixture azurite) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", "profile-page-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_outbox)) Directory.Delete(_outbox, recursive: true);
    }

    private async Task<(WebApplication App, Subscriber Subscriber)> StartAsync()
    {
        var app = await ProfileServer.StartAsync(TestSettings.For(azurite, _outbox), Ct);
        var s = await app.Services.GetRequiredService<SubscriberAdmin>().CreateAsync(new NewSubscriber("o.karimova@customs.kg.example",
            "Olga Karimova", "State Customs Service of Kyrgyzstan", "ru", DigestFrequency.Weekly, Country: "KG", TimeZone: "Asia/Bishkek"), "test", Ct);
        return (app, s);
    }

    private static async Task<(HttpResponseMessage Response, string Html)> PostAsync(HttpClient client, string path, params (string, string)[] fields)
    {
        var page = await client.GetStringAsync(path, Ct);
        var form = new FormUrlEncodedContent([new("__console_token", DeskServer.TokenOf(page)), .. fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2))]);
        var response = await client.PostAsync(path, form, Ct);
        return (response, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task TheProfileShowsTheFullAddressWhyTheyStoppedAndWhichPreferencesTheyChose()
    {
        var (app, s) = await StartAsync();
        await using var _ = app;
        await app.Services.GetRequiredService<SubscriberStore>().UpdateAsync(s.Id, x => x with { ChosenBySubscriber = [SubscriberFields.Frequency] }, Ct);
        await app.Services.GetRequiredService<IRecipientEventHandler>().HandleAsync(new RecipientEvent(s.Id, RecipientFact.Bounced, "sendgrid", "bounce",
            "ev-1", s.Email, "550 5.1.1 <o.karimova@customs.kg.example>: Recipient address rejected",
            new DateTimeOffset(2026, 11, 20, 6, 1, 0, TimeSpan.Zero)), Ct);
        using var client = DeskServer.Client(app, DeskServer.Admin);

        var html = await client.GetStringAsync($"/api/console/subscribers/{s.Id}", Ct);

        Assert.Contains("o.karimova@customs.kg.example", html);
        Assert.DoesNotContain("o***@", html);
        Assert.Contains("550 5.1.1 &lt;o.karimova@customs.kg.example&gt;: Recipient address rejected", html);
        Assert.Contains("since 2026-11-20 06:01 UTC", html);
        Assert.Single(SelfChosen().Matches(html)); // only the frequency is marked
        Assert.Contains("Weekly <span class=\"tag ok\">chosen by the subscriber</span>", html);
        Assert.Contains("bounced", html); // the history says who changed it and why
    }

    [Fact]
    public async Task AnEditWithBadFieldsNamesEachOneKeepsWhatWasTypedAndChangesNothing()
    {
        var (app, s) = await StartAsync();
        await using var _ = app;
        using var client = DeskServer.Client(app, DeskServer.Admin);

        var (response, html) = await PostAsync(client, $"/api/console/subscribers/{s.Id}", ("action", "save"), ("name", "Olga K. Karimova"),
            ("organization", "State Customs Service"), ("country", "XX"), ("language", "ru"), ("frequency", "weekly"), ("time_zone", "Mars/Olympus"),
            ("delivery_hour", "25"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("is not an ISO 3166-1 alpha-2 code", html);
        Assert.Contains("id=\"subs-country\" name=\"country\" value=\"XX\"", html);
        Assert.Contains("id=\"subs-time_zone-error\"", html);
        Assert.Contains("id=\"subs-delivery_hour-error\"", html);
        Assert.Contains("value=\"Olga K. Karimova\"", html);
        Assert.Equal("Olga Karimova", (await app.Services.GetRequiredService<SubscriberStore>().GetAsync(s.Id, Ct))!.Name);
    }

    [Fact]
    public async Task AGoodEditIsSavedAuditedAndAnsweredWithARedirect()
    {
        var (app, s) = await StartAsync();
        await using var _ = app;
        using var client = DeskServer.Client(app, DeskServer.Admin);

        var (response, _) = await PostAsync(client, $"/api/console/subscribers/{s.Id}", ("action", "save"), ("name", "Olga Karimova"),
            ("organization", "State Customs Service of Kyrgyzstan"), ("country", "KG"), ("language", "en"), ("frequency", "daily"),
            ("time_zone", "Asia/Bishkek"), ("delivery_hour", "9"), ("topics", "e-commerce"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal($"/api/console/subscribers/{s.Id}?done=saved", response.Headers.Location?.OriginalString);
        var after = (await app.Services.GetRequiredService<SubscriberStore>().GetAsync(s.Id, Ct))!;
        Assert.Equal(("en", DigestFrequency.Daily, 9), (after.Language, after.Frequency, after.DeliveryHour));
        Assert.Equal(["e-commerce"], after.TopicList);
        var entry = Assert.Single(await app.Services.GetRequiredService<SubscriberAudit>().ListAsync(s.Id, Ct), a => a.Action == "updated");
        Assert.Equal("user:" + DeskServer.Admin.Name, entry.Actor);
        Assert.Contains("Saved.", await client.GetStringAsync(response.Headers.Location!.OriginalString, Ct));
    }

    [Fact]
    public async Task SuspendAndActivateAndTheManageLinkGoToTheSubscriberOnly()
    {
        var (app, s) = await StartAsync();
        await using var _ = app;
        using var client = DeskServer.Client(app, DeskServer.Admin);
        var path = $"/api/console/subscribers/{s.Id}";

        Assert.Equal(HttpStatusCode.SeeOther, (await PostAsync(client, path, ("action", "suspend"))).Response.StatusCode);
        Assert.Equal(SubscriberStatus.Suspended, (await app.Services.GetRequiredService<SubscriberStore>().GetAsync(s.Id, Ct))!.Status);
        Assert.Equal(HttpStatusCode.SeeOther, (await PostAsync(client, path, ("action", "activate"))).Response.StatusCode);
        var (sent, _) = await PostAsync(client, path, ("action", "send_link"));

        Assert.Equal($"{path}?done=link_sent", sent.Headers.Location?.OriginalString);
        Assert.Equal(SubscriberStatus.Active, (await app.Services.GetRequiredService<SubscriberStore>().GetAsync(s.Id, Ct))!.Status);
        var mail = Assert.Single(OutboxMail.ReadAll(_outbox));
        Assert.Equal(s.Email, mail.To());
        Assert.Contains("/api/preferences?token=", mail.TextBody);
        Assert.Contains("The manage link was mailed to o.karimova@customs.kg.example.", await client.GetStringAsync(sent.Headers.Location!.OriginalString, Ct));
    }

    [Fact]
    public async Task ErasureNeedsTheAddressTypedAndSaysWhatItKeeps()
    {
        var (app, s) = await StartAsync();
        await using var _ = app;
        using var client = DeskServer.Client(app, DeskServer.Admin);
        var path = $"/api/console/subscribers/{s.Id}";
        Assert.Contains("suppression entry", await client.GetStringAsync(path, Ct));

        var (wrong, html) = await PostAsync(client, path, ("action", "erase"), ("confirm_email", "o.karimova@customs.example"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains("nothing was erased", html);
        Assert.NotNull(await app.Services.GetRequiredService<SubscriberStore>().GetAsync(s.Id, Ct));

        var (right, _) = await PostAsync(client, path, ("action", "erase"), ("confirm_email", " O.Karimova@Customs.KG.example "));
        Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        Assert.Equal("/api/console/subscribers?erased=1", right.Headers.Location?.OriginalString);
        Assert.Null(await app.Services.GetRequiredService<SubscriberStore>().GetAsync(s.Id, Ct));
        Assert.NotNull(await app.Services.GetRequiredService<Suppressions>().GetAsync(s.Id, Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path, Ct)).StatusCode);
    }

    [Fact]
    public async Task AnAddressChangeFromTheProfileTakesEffectWhenTheNewAddressConfirmsOnItsPage()
    {
        var (app, s) = await StartAsync();
        await using var _ = app;
        using var admin = DeskServer.Client(app, DeskServer.Admin);
        using var anyone = DeskServer.Client(app, null);

        var (requested, _) = await PostAsync(admin, $"/api/console/subscribers/{s.Id}", ("action", "change_address"),
            ("new_email", "olga.k@customs.kg.example"));
        Assert.Equal(HttpStatusCode.SeeOther, requested.StatusCode);
        Assert.Contains("Waiting for olga.k@customs.kg.example to confirm", await admin.GetStringAsync(requested.Headers.Location!.OriginalString, Ct));
        var mail = Assert.Single(OutboxMail.ReadAll(_outbox));
        Assert.Equal("olga.k@customs.kg.example", mail.To());
        var link = new Uri(AddressLink().Match(mail.TextBody ?? "").Value);

        var confirmPage = await anyone.GetAsync(link.PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.OK, confirmPage.StatusCode);
        Assert.NotNull(await app.Services.GetRequiredService<SubscriberStore>().GetAsync(s.Id, Ct)); // a GET (a link scanner) changes nothing
        var confirmed = await anyone.PostAsync(link.PathAndQuery, new FormUrlEncodedContent([]), Ct);
        var again = await anyone.PostAsync(link.PathAndQuery, new FormUrlEncodedContent([]), Ct);

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        var store = app.Services.GetRequiredService<SubscriberStore>();
        Assert.Null(await store.GetAsync(s.Id, Ct));
        var moved = (await store.FindByEmailAsync("olga.k@customs.kg.example", Ct))!;
        Assert.Equal((s.Name, s.Frequency, s.CreatedAt), (moved.Name, moved.Frequency, moved.CreatedAt));
        Assert.Contains("olga.k@customs.kg.example", await admin.GetStringAsync($"/api/console/subscribers/{moved.Id}", Ct));
    }

    [Fact]
    public async Task TheApiTwinsSendTheLinkAndStartAnAddressChange()
    {
        var (app, s) = await StartAsync();
        await using var _ = app;
        using var client = DeskServer.Client(app, null);

        var link = await client.PostAsync($"/api/manage/subscribers/{Uri.EscapeDataString(s.Email)}/manage-link", null, Ct);
        var bad = await client.PostAsync($"/api/manage/subscribers/{s.Id}/address", JsonContent.Create(new { newEmail = "not an address" }), Ct);
        var change = await client.PostAsync($"/api/manage/subscribers/{s.Id}/address", JsonContent.Create(new { newEmail = "olga.k@customs.kg.example" }), Ct);

        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        Assert.Contains("\"email\":\"o.karimova@customs.kg.example\"", await link.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("newEmail", await bad.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Accepted, change.StatusCode);
        Assert.Equal(["o.karimova@customs.kg.example", "olga.k@customs.kg.example"], OutboxMail.ReadAll(_outbox).Select(m => m.To()).Order());
    }

    [Fact]
    public async Task AnEditorCannotOpenAProfileAndAFormWithoutItsTokenChangesNothing()
    {
        var (app, s) = await StartAsync();
        await using var _ = app;
        using var editor = DeskServer.Client(app, DeskServer.Editor);
        using var admin = DeskServer.Client(app, DeskServer.Admin);

        Assert.Equal(HttpStatusCode.Forbidden, (await editor.GetAsync($"/api/console/subscribers/{s.Id}", Ct)).StatusCode);
        var forged = await admin.PostAsync($"/api/console/subscribers/{s.Id}", new FormUrlEncodedContent([new("action", "suspend")]), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(SubscriberStatus.Active, (await app.Services.GetRequiredService<SubscriberStore>().GetAsync(s.Id, Ct))!.Status);
    }

    [Fact]
    public async Task TheListSearchesFiltersSortsAndExportsTheSegmentWithoutJavaScript()
    {
        var (app, s) = await StartAsync();
        await using var _ = app;
        var admin = app.Services.GetRequiredService<SubscriberAdmin>();
        await admin.CreateAsync(new NewSubscriber("b.asanov@customs.kg.example", "Bakyt Asanov", "State Customs Service of Kyrgyzstan", "ru",
            DigestFrequency.Daily, Country: "KG"), "test", Ct);
        await admin.CreateAsync(new NewSubscriber("j.smith@hmrc.example", "Jane Smith", "HM Revenue and Customs"), "test", Ct);
        await admin.SuspendAsync("b.asanov@customs.kg.example", "test", Ct);
        using var client = DeskServer.Client(app, DeskServer.Admin);

        var all = await client.GetStringAsync("/api/console/subscribers?q=KYRGYZ&sort=email", Ct);
        var active = await client.GetStringAsync("/api/console/subscribers?q=kyrgyz&status=active", Ct);
        var bad = await client.GetAsync("/api/console/subscribers?q=kyrgyz&country=XX", Ct);
        var csv = await client.GetAsync("/api/console/subscribers/export?q=kyrgyz&status=active", Ct);

        Assert.Contains("2 subscribers in this segment", all);
        Assert.True(all.IndexOf("b.asanov@customs.kg.example", StringComparison.Ordinal) < all.IndexOf(s.Email, StringComparison.Ordinal));
        Assert.DoesNotContain("j.smith@hmrc.example", all);
        Assert.Contains("1 subscriber in this segment", active);
        Assert.Contains($"href=\"/api/console/subscribers/{s.Id}\"", active);
        Assert.Contains("/api/console/subscribers/export?q=kyrgyz&amp;status=active", active);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("value=\"XX\"", await bad.Content.ReadAsStringAsync(Ct));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", SubscriberCsv.ExportColumns), lines[0]);
        Assert.StartsWith(s.Email + ",Olga Karimova,", Assert.Single(lines.Skip(1)));
    }

    [GeneratedRegex("chosen by the subscriber</span>")]
    private static partial Regex SelfChosen();

    [GeneratedRegex(@"http://[^\s]+/api/address\?token=[A-Za-z0-9_-]+")]
    private static partial Regex AddressLink();
}
