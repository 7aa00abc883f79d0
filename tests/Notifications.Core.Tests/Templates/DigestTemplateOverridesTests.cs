using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Notifications.Digests;
using Notifications.Storage;
using Notifications.Templates;
using Notifications.Testing;
using Notifications.Subscribers;
using Notifications.Web;

namespace Notifications.Core.Tests.Templates;

/// <summary>Admins' template overrides in the templates container, on Azurite: checked before use, rejected with a report, or used.</summary>
public sealed class DigestTemplateOverridesTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DigestPeriod Day = DigestPeriod.For(DigestFrequency.Daily, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));

    private const string ValidFooter = """
        <tr>
        <td class="footer">
        <p>Custom footer for {{ organization }} in {{ lang }}.</p>
        <p><a href="{{ recipient.preferences_url }}">{{ t.preferences }}</a> · <a href="{{ recipient.unsubscribe_url }}">{{ t.unsubscribe }}</a></p>
        </td>
        </tr>
        """;

    private static async Task UploadAsync(TestHost host, string name, string content)
    {
        var container = host.Get<StorageResources>().Templates;
        await container.CreateIfNotExistsAsync(cancellationToken: Ct);
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(content), overwrite: true, Ct);
    }

    private static async Task<JsonDocument?> ReportAsync(TestHost host, string name)
    {
        var blob = host.Get<StorageResources>().Templates.GetBlobClient(name + DigestTemplateOverrides.ReportSuffix);
        if (!await blob.ExistsAsync(Ct)) return null;
        return JsonDocument.Parse((await blob.DownloadContentAsync(Ct)).Value.Content.ToString());
    }

    private static string RenderHtml(TestHost host, string language = "en")
        => host.Get<DigestRenderer>().Render(Day, DigestSamples.For(language), language).Html;

    [Fact]
    public async Task AValidOverrideIsUsedInEveryLanguageAndGetsNoReport()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await UploadAsync(host, "digest-footer.html.sbn", ValidFooter);

        var report = await host.Get<DigestTemplateOverrides>().RefreshAsync(Ct);

        var status = Assert.Single(report.Templates);
        Assert.True(status.InUse, string.Join("; ", status.Problems));
        Assert.Contains("Custom footer for the Permanent Technical Committee's session reports in en.", RenderHtml(host));
        Assert.Contains("Custom footer", RenderHtml(host, "ru"));
        Assert.Contains("Se désabonner", RenderHtml(host, "fr"));
        // The rest of the layout is still the built-in one.
        Assert.Contains("class=\"card\"", RenderHtml(host));
        Assert.Null(await ReportAsync(host, "digest-footer.html.sbn"));
    }

    [Fact]
    public async Task OverridesPresentAtStartAreLoadedByTheStart()
    {
        var settings = TestSettings.For(azurite);
        await using (var first = await TestHost.StartAsync(settings))
            await UploadAsync(first, "digest-footer.html.sbn", ValidFooter);

        await using var host = await TestHost.StartAsync(settings);

        Assert.NotNull(host.Get<DigestTemplateOverrides>().LastReport);
        Assert.Contains("Custom footer", RenderHtml(host));
    }

    [Fact]
    public async Task AnOverrideWithAParseErrorIsRejectedWithAReportAndTheBuiltinStays()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await UploadAsync(host, "digest.html.sbn", "<html>\n<body>\n{{ for article in }}\n</body>\n</html>");

        var report = await host.Get<DigestTemplateOverrides>().RefreshAsync(Ct);

        var status = Assert.Single(report.Rejected);
        Assert.Equal("digest.html.sbn", status.Name);
        using var json = await ReportAsync(host, "digest.html.sbn");
        Assert.NotNull(json);
        var root = json.RootElement;
        Assert.Equal("digest.html.sbn", root.GetProperty("template").GetString());
        Assert.Equal("rejected", root.GetProperty("status").GetString());
        Assert.Contains("built-in", root.GetProperty("inUse").GetString());
        var problem = root.GetProperty("problems")[0];
        Assert.Equal("parse", problem.GetProperty("stage").GetString());
        Assert.Equal(3, problem.GetProperty("line").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("message").GetString()));

        var html = RenderHtml(host);
        Assert.Contains("class=\"card\"", html);
        Assert.Contains("Read the full report", html);
    }

    [Fact]
    public async Task AnOverrideWithAnUnknownVariableIsRejectedByTheTestRender()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        // Parses fine; fails only when rendered: the variable is misspelt.
        await UploadAsync(host, "digest-article.html.sbn", "<tr><td>\n<h2>{{ article.titel }}</h2>\n</td></tr>");
        await UploadAsync(host, "digest.subject.sbn", "{{ new_reports }} - {{ perod_label }}");

        var report = await host.Get<DigestTemplateOverrides>().RefreshAsync(Ct);

        Assert.Empty(report.InUse);
        Assert.Equal(["digest-article.html.sbn", "digest.subject.sbn"], report.Rejected.Select(r => r.Name).Order(StringComparer.Ordinal));
        using (var article = await ReportAsync(host, "digest-article.html.sbn"))
        {
            var problem = article!.RootElement.GetProperty("problems")[0];
            Assert.Equal("render", problem.GetProperty("stage").GetString());
            Assert.Equal("digest-article.html.sbn", problem.GetProperty("template").GetString());
            Assert.Equal(2, problem.GetProperty("line").GetInt32());
            Assert.Equal("en", problem.GetProperty("language").GetString());
            Assert.Contains("titel", problem.GetProperty("message").GetString());
        }
        using (var subject = await ReportAsync(host, "digest.subject.sbn"))
            Assert.Contains("perod_label", subject!.RootElement.GetProperty("problems")[0].GetProperty("message").GetString());

        var digest = host.Get<DigestRenderer>().Render(Day, DigestSamples.For("en"), "en");
        Assert.StartsWith("Permanent Technical Committee closes its", digest.Subject);
        Assert.EndsWith("… — and 2 more reports", digest.Subject);
        Assert.Contains("Permanent Technical Committee closes its 239th and 240th sessions</a>", digest.Html);
    }

    [Fact]
    public async Task AVariableMisspeltInABranchTheSampleDataReachesIsRejectedToo()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        // Only the branch without a link is wrong: the test render includes an article without a URL.
        var source = ValidFooter.Replace("<p>Custom", "{{ if view_url == \"\" }}{{ veiw_url }}{{ end }}<p>Custom", StringComparison.Ordinal);
        await UploadAsync(host, "digest-footer.html.sbn", source);

        var report = await host.Get<DigestTemplateOverrides>().RefreshAsync(Ct);

        Assert.Contains("veiw_url", Assert.Single(report.Rejected).Problems[0].Message);
    }

    [Fact]
    public async Task AnOverrideThatDropsTheUnsubscribeLinkIsRejected()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await UploadAsync(host, "digest-footer.html.sbn", "<tr><td>{{ why }}</td></tr>");

        var report = await host.Get<DigestTemplateOverrides>().RefreshAsync(Ct);

        var problem = Assert.Single(report.Rejected).Problems[0];
        Assert.Equal("content", problem.Stage);
        Assert.Contains("unsubscribe", problem.Message);
    }

    [Fact]
    public async Task ANameThatIsNotADigestTemplateIsRejected()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await UploadAsync(host, "page-layout.html.sbn", "<p>{{ body }}</p>");
        await UploadAsync(host, "notes.txt", "not a template: ignored");

        var report = await host.Get<DigestTemplateOverrides>().RefreshAsync(Ct);

        var status = Assert.Single(report.Templates);
        Assert.False(status.InUse);
        Assert.Equal("name", status.Problems[0].Stage);
        Assert.NotNull(await ReportAsync(host, "page-layout.html.sbn"));
    }

    [Fact]
    public async Task ALayoutOverrideCanIncludeANewPartialOfItsOwn()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var layout = new TemplateSet().SourceOf("digest.html.sbn")
            .Replace("<body class=\"body\">", "<body class=\"body\">\n{{ include \"digest-banner.html.sbn\" }}", StringComparison.Ordinal);
        await UploadAsync(host, "digest.html.sbn", layout);
        await UploadAsync(host, "digest-banner.html.sbn", "<div class=\"banner\">{{ sender }} &mdash; {{ period_label }}</div>");

        var report = await host.Get<DigestTemplateOverrides>().RefreshAsync(Ct);

        Assert.All(report.Templates, t => Assert.True(t.InUse, string.Join("; ", t.Problems)));
        Assert.Contains("<div class=\"banner\">PTC Secretariat — 26 ноября 2026</div>", RenderHtml(host, "ru"));
    }

    [Fact]
    public async Task AFixedUploadReplacesTheRejectedOneAndItsReportGoes()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var overrides = host.Get<DigestTemplateOverrides>();
        await UploadAsync(host, "digest-footer.html.sbn", "<tr><td>{{ if }}</td></tr>");
        await overrides.RefreshAsync(Ct);
        Assert.NotNull(await ReportAsync(host, "digest-footer.html.sbn"));

        await UploadAsync(host, "digest-footer.html.sbn", ValidFooter);
        var report = await overrides.RefreshAsync(Ct);

        Assert.True(Assert.Single(report.Templates).InUse);
        Assert.Null(await ReportAsync(host, "digest-footer.html.sbn"));
        Assert.Contains("Custom footer", RenderHtml(host));

        // Deleting the override brings the built-in footer back.
        await host.Get<StorageResources>().Templates.DeleteBlobAsync("digest-footer.html.sbn", cancellationToken: Ct);
        await overrides.RefreshAsync(Ct);
        Assert.DoesNotContain("Custom footer", RenderHtml(host));
        Assert.Contains("You receive this daily digest", RenderHtml(host));
    }

    [Fact]
    public async Task AnUploadAfterTheStartIsPickedUpWithinTheRefreshInterval()
    {
        var settings = TestSettings.For(azurite);
        settings["Digest:TemplateRefresh"] = "00:05:00";
        await using var host = await TestHost.StartAsync(settings);
        var overrides = host.Get<DigestTemplateOverrides>();
        var before = overrides.LastReport!.CheckedAt;
        await UploadAsync(host, "digest-footer.html.sbn", ValidFooter);

        host.Time.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(200, Ct);
        Assert.DoesNotContain("Custom footer", RenderHtml(host));

        host.Time.Advance(TimeSpan.FromMinutes(1));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (overrides.LastReport!.CheckedAt == before && DateTime.UtcNow < deadline)
            await Task.Delay(50, Ct);

        Assert.Contains("Custom footer", RenderHtml(host));
    }

    [Fact]
    public async Task WithoutAContainerThereAreNoOverrides()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var report = await host.Get<DigestTemplateOverrides>().RefreshAsync(Ct);
        Assert.Empty(report.Templates);
        Assert.Same(host.Get<TemplateSet>(), host.Get<DigestTemplateOverrides>().Templates);
        Assert.False(await new BlobContainerClient(azurite.ConnectionString, host.Get<StorageResources>().Templates.Name).ExistsAsync(Ct));
    }
}
