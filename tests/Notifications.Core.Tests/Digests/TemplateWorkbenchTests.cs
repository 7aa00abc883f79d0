using Notifications.Digests;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Digests;

/// <summary>
/// What admins do with the digest templates (the console's editor and <c>notify templates</c>), on Azurite: a save passes the start-up
/// checks or writes nothing, keeps the version it replaces, refuses a stale ETag; a rollback is checked again; a removal brings the
/// built-in back; previews and tests render with the templates in force, a kept version or the built-in one.
/// </summary>
public sealed class TemplateWorkbenchTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DigestPeriod Day = DigestPeriod.For(DigestFrequency.Daily, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
    private const string Footer = "digest-footer.html.sbn";

    private static string FooterSaying(string words) => $$$"""
        <tr>
        <td class="footer">
        <p>{{{words}}} {{ lang }}.</p>
        <p><a href="{{ recipient.preferences_url }}">{{ t.preferences }}</a> · <a href="{{ recipient.unsubscribe_url }}">{{ t.unsubscribe }}</a></p>
        </td>
        </tr>
        """;

    private static string Html(TestHost host, string language = "en")
        => host.Get<DigestRenderer>().Render(Day, DigestSamples.For(language), language).Html;

    private static async Task<string?> StoredAsync(TestHost host, string name)
    {
        var blob = host.Get<StorageResources>().Templates.GetBlobClient(name);
        return await blob.ExistsAsync(Ct) ? (await blob.DownloadContentAsync(Ct)).Value.Content.ToString() : null;
    }

    [Fact]
    public async Task ATextThatDoesNotParseIsRefusedWithItsLineAndColumnAndNothingIsWritten()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var workbench = host.Get<TemplateWorkbench>();

        var change = await workbench.SaveAsync("digest.html.sbn", "<html>\r\n<body>\r\n{{ for article in }}\r\n</body>\r\n</html>", null, "admin", Ct);

        Assert.False(change.Done);
        var problem = change.Problems[0];
        // Line 3 whatever the line ends the browser sent (CRLF is stored as LF).
        Assert.Equal(("parse", "digest.html.sbn", 3, 19), (problem.Stage, problem.Template, problem.Line, problem.Column));
        Assert.Null(await StoredAsync(host, "digest.html.sbn"));
        Assert.Empty(await host.Get<TemplateHistory>().ListAsync("digest.html.sbn", Ct));
    }

    [Fact]
    public async Task ATextThatFailsToRenderInOneLanguageOrLosesTheUnsubscribeLinkIsRefused()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var workbench = host.Get<TemplateWorkbench>();

        var misspelt = await workbench.SaveAsync(Footer, FooterSaying("{{ organisation }}"), null, "admin", Ct);
        var render = Assert.Single(misspelt.Problems);
        Assert.Equal(("render", Footer, 3), (render.Stage, render.Template, render.Line));
        Assert.Equal("en", render.Language);

        var noLink = await workbench.SaveAsync(Footer, "<tr><td>{{ t.preferences }}</td></tr>", null, "admin", Ct);
        Assert.Contains(noLink.Problems, p => p.Stage == "content" && p.Message.Contains("unsubscribe", StringComparison.Ordinal));
        Assert.Null(await StoredAsync(host, Footer));
    }

    [Fact]
    public async Task ASavedOverrideIsUsedAtOnceAndEachSaveKeepsTheVersionItReplaced()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var workbench = host.Get<TemplateWorkbench>();

        var first = await workbench.SaveAsync(Footer, FooterSaying("First footer"), null, "Olga Admin", Ct);
        Assert.True(first.Done, string.Join("; ", first.Problems));
        Assert.Contains("First footer en.", Html(host));
        host.Time.Advance(TimeSpan.FromMinutes(3));
        var second = await workbench.SaveAsync(Footer, FooterSaying("Second footer"), first.ETag, "Пётр Admin", Ct);

        Assert.True(second.Done, string.Join("; ", second.Problems));
        Assert.Contains("Second footer ru.", Html(host, "ru"));
        var kept = Assert.Single(await host.Get<TemplateHistory>().ListAsync(Footer, Ct));
        Assert.Equal(("Olga Admin", "Пётр Admin"), (kept.SavedBy, kept.ReplacedBy));
        Assert.Contains("First footer", await host.Get<TemplateHistory>().ReadAsync(Footer, kept.Id, Ct));
        var document = await workbench.OpenAsync(Footer, Ct);
        Assert.Equal((true, true, "Пётр Admin"), (document!.Entry.Overridden, document.Entry.InUse, document.Entry.SavedBy));
        Assert.Contains("Second footer", document.Source);
        Assert.Contains("{{ t.unsubscribe }}", document.BuiltInSource);
        // The history is never read as an override.
        var report = await host.Get<DigestTemplateOverrides>().RefreshAsync(Ct);
        Assert.Equal([Footer], report.Templates.Select(t => t.Name));
    }

    [Fact]
    public async Task ASaveOverAnOverrideSomeoneChangedSinceItWasOpenedIsRefused()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var workbench = host.Get<TemplateWorkbench>();
        var first = await workbench.SaveAsync(Footer, FooterSaying("First footer"), null, "a", Ct);
        Assert.True((await workbench.SaveAsync(Footer, FooterSaying("Their footer"), first.ETag, "b", Ct)).Done);

        var opened = await workbench.OpenAsync(Footer, Ct);
        Assert.True((await workbench.SaveAsync(Footer, FooterSaying("Their footer again"), opened!.Entry.ETag, "b", Ct)).Done,
            "The ETag the opened template carries (from the listing) did not allow a save.");

        var stale = await workbench.SaveAsync(Footer, FooterSaying("My footer"), first.ETag, "a", Ct);
        var blind = await workbench.SaveAsync(Footer, FooterSaying("My footer"), null, "a", Ct);

        Assert.Equal((false, true), (stale.Done, stale.Conflict));
        Assert.Equal((false, true), (blind.Done, blind.Conflict));
        Assert.Contains("Their footer again", await StoredAsync(host, Footer));
    }

    [Fact]
    public async Task ARollbackMakesAKeptVersionTheOverrideAgainAndKeepsTheOneItReplaced()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var workbench = host.Get<TemplateWorkbench>();
        var first = await workbench.SaveAsync(Footer, FooterSaying("First footer"), null, "a", Ct);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await workbench.SaveAsync(Footer, FooterSaying("Second footer"), first.ETag, "a", Ct);
        var kept = Assert.Single(await host.Get<TemplateHistory>().ListAsync(Footer, Ct));

        var back = await workbench.RollBackAsync(Footer, kept.Id, second.ETag, "b", Ct);

        Assert.True(back!.Done, string.Join("; ", back.Problems));
        Assert.Contains("First footer fr.", Html(host, "fr"));
        var versions = await host.Get<TemplateHistory>().ListAsync(Footer, Ct);
        Assert.Equal(2, versions.Count);
        Assert.Contains("Second footer", await host.Get<TemplateHistory>().ReadAsync(Footer, versions[0].Id, Ct));
        Assert.Null(await workbench.RollBackAsync(Footer, "20261126T070000Z-00000000", back.ETag, "b", Ct));
        Assert.Null(await workbench.RollBackAsync(Footer, "../digest.html.sbn", back.ETag, "b", Ct));
    }

    [Fact]
    public async Task AKeptVersionThatNoLongerPassesTheChecksIsNotRolledBackTo()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var container = host.Get<StorageResources>().Templates;
        await container.CreateIfNotExistsAsync(cancellationToken: Ct);
        // Uploaded to the container by hand, without the unsubscribe link: rejected, and kept when a save replaces it.
        var uploaded = await container.GetBlobClient(Footer).UploadAsync(BinaryData.FromString("<tr><td>No way out</td></tr>"), Ct);
        var saved = await host.Get<TemplateWorkbench>().SaveAsync(Footer, FooterSaying("Fixed footer"), uploaded.Value.ETag.ToString(), "a", Ct);
        Assert.True(saved.Done);
        var kept = Assert.Single(await host.Get<TemplateHistory>().ListAsync(Footer, Ct));
        Assert.Null(kept.SavedBy);

        var back = await host.Get<TemplateWorkbench>().RollBackAsync(Footer, kept.Id, saved.ETag, "a", Ct);
        var (preview, problems) = await host.Get<TemplateWorkbench>().PreviewAsync(Footer, "en", kept.Id, "me@example.org", Ct);

        Assert.False(back!.Done);
        Assert.Contains(back.Problems, p => p.Stage == "content");
        Assert.Null(preview);
        Assert.NotEmpty(problems);
        Assert.Contains("Fixed footer", await StoredAsync(host, Footer));
    }

    [Fact]
    public async Task RemovingAnOverrideBringsTheBuiltinBackAndKeepsTheOverride()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var workbench = host.Get<TemplateWorkbench>();
        var saved = await workbench.SaveAsync(Footer, FooterSaying("Custom footer"), null, "a", Ct);

        Assert.True((await workbench.RemoveAsync(Footer, "\"stale\"", "a", Ct)).Conflict);
        var removed = await workbench.RemoveAsync(Footer, saved.ETag, "a", Ct);

        Assert.True(removed.Done);
        Assert.DoesNotContain("Custom footer", Html(host));
        Assert.Null(await StoredAsync(host, Footer));
        Assert.Contains("Custom footer", await host.Get<TemplateHistory>().ReadAsync(Footer,
            Assert.Single(await host.Get<TemplateHistory>().ListAsync(Footer, Ct)).Id, Ct));
        var entry = Assert.Single(await workbench.ListAsync(Ct), e => e.Name == Footer);
        Assert.Equal((true, false), (entry.BuiltIn, entry.Overridden));
    }

    [Fact]
    public async Task PreviewsRenderTheTemplatesInForceAKeptVersionOrTheBuiltinInEachLanguage()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var workbench = host.Get<TemplateWorkbench>();
        var first = await workbench.SaveAsync(Footer, FooterSaying("First footer"), null, "a", Ct);
        await workbench.SaveAsync(Footer, FooterSaying("Second footer"), first.ETag, "a", Ct);
        var kept = Assert.Single(await host.Get<TemplateHistory>().ListAsync(Footer, Ct));

        var current = (await workbench.PreviewAsync(Footer, "ru", null, "me@example.org", Ct)).Preview!;
        var earlier = (await workbench.PreviewAsync(Footer, "fr", kept.Id, "me@example.org", Ct)).Preview!;
        var builtin = (await workbench.PreviewAsync(Footer, "en", "builtin", "me@example.org", Ct)).Preview!;

        Assert.Contains("Second footer ru.", current.Html);
        Assert.Contains("Постоянный технический комитет", current.Html);
        Assert.Contains("First footer fr.", earlier.Html);
        Assert.DoesNotContain("Second footer", builtin.Html, StringComparison.Ordinal);
        Assert.Contains("Unsubscribe", builtin.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("%unsubscribe_url", current.Html, StringComparison.Ordinal);
        Assert.NotEmpty(current.Subject);
        Assert.Contains("Second footer", Html(host));
    }

    [Fact]
    public async Task ATestGoesToTheGivenAddressOnlyWithTheTemplatesInForce()
    {
        var outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", "tpl-" + Guid.NewGuid().ToString("N")[..8], "outbox");
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite, outbox));
        var workbench = host.Get<TemplateWorkbench>();
        await workbench.SaveAsync(Footer, FooterSaying("Tested footer"), null, "a", Ct);

        var (id, problems) = await workbench.SendTestAsync(Footer, "fr", null, "Admin@Secretariat.example", Ct);

        Assert.NotNull(id);
        Assert.Empty(problems);
        var mail = Assert.Single(OutboxMail.ReadAll(outbox));
        Assert.Equal("admin@secretariat.example", mail.To());
        Assert.Contains("Tested footer fr.", mail.HtmlBody, StringComparison.Ordinal);
    }
}
