using System.Text.Json;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

public sealed class SubscribersImportCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Dictionary<string, string?> Settings()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        settings["Members:Administrations:0:Key"] = "gb-hmrc";
        settings["Members:Administrations:0:Organization"] = "HM Revenue and Customs";
        settings["Members:Administrations:0:Country"] = "GB";
        settings["Members:Administrations:0:Aliases:0"] = "HMRC";
        return settings;
    }

    private static Task<CliRun> Run(IReadOnlyDictionary<string, string?> settings, params string[] args) => CliRun.RunAsync(settings, args);

    /// <summary>Jane (her organization matches no administration) chose weekly digests herself on her preferences page.</summary>
    private static async Task JaneChoseWeeklyAsync(Dictionary<string, string?> settings)
    {
        await using var host = await TestHost.StartAsync(settings);
        var jane = await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("jane@hmrc.example", "Jane Smith", "Revenue office", Country: "GB"), Ct);
        var token = host.Get<SubscriptionTokens>().Issue(jane.Id, TokenPurpose.Preferences);
        await host.Get<SubscriptionSelfService>().UpdatePreferencesAsync(token, new PreferencesChange("weekly", [], "en", "UTC", UnsubscribeAll: false), Ct);
    }

    [Fact]
    public async Task DryRunJsonPreviewsEveryRowAndKeepsASelfChosenFrequency()
    {
        var settings = Settings();
        await JaneChoseWeeklyAsync(settings);
        var file = _temp.Write("officials.csv", "email,frequency,country\r\njane@hmrc.example,daily,IE\r\nbad@x.example,,XX\r\n");

        var json = await Run(settings, "subscribers", "import", file, "--dry-run", "--json");
        var text = await Run(settings, "subscribers", "import", file, "--dry-run");

        Assert.Equal(1, json.ExitCode);
        using var report = JsonDocument.Parse(json.Output);
        var rows = report.RootElement.GetProperty("preview").EnumerateArray().ToList();
        Assert.Equal(["changed", "refused"], rows.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal("jane@hmrc.example", rows[0].GetProperty("email").GetString());
        var change = Assert.Single(rows[0].GetProperty("changes").EnumerateArray());
        Assert.Equal(("country", "GB", "IE"),
            (change.GetProperty("field").GetString(), change.GetProperty("old").GetString(), change.GetProperty("new").GetString()));
        var kept = Assert.Single(rows[0].GetProperty("keptSelfChosen").EnumerateArray());
        Assert.Equal(("frequency", "weekly", "daily"),
            (kept.GetProperty("field").GetString(), kept.GetProperty("old").GetString(), kept.GetProperty("new").GetString()));
        Assert.Equal(["name", "organization", "country"], rows[1].GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Contains("row 2 (jane@hmrc.example): changed; country: GB → IE; frequency: their own choice weekly kept (file: daily)", text.OutputLines);
    }

    [Fact]
    public async Task OverwriteSelfChosenReplacesTheSubscribersChoice()
    {
        var settings = Settings();
        await JaneChoseWeeklyAsync(settings);
        var file = _temp.Write("officials.csv", "email,frequency\r\njane@hmrc.example,daily\r\n");

        var run = await Run(settings, "subscribers", "import", file, "--overwrite-self-chosen");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("row 2 (jane@hmrc.example): changed; frequency: weekly → daily", run.OutputLines);
        using var show = JsonDocument.Parse((await Run(settings, "subscribers", "show", "jane@hmrc.example", "--json")).Output);
        Assert.Equal("daily", show.RootElement.GetProperty("subscriber").GetProperty("frequency").GetString());
    }

    [Fact]
    public async Task LinkByHandThenCoverageCountsTheSubscriberForTheAdministration()
    {
        var settings = Settings();
        var add = await Run(settings, "subscribers", "add", "--email", "x@tax.example", "--name", "X", "--organization", "Tax office", "--country", "GB");
        Assert.True(add.ExitCode == 0, add.ToString());
        var before = await Run(settings, "subscribers", "coverage");

        var link = await Run(settings, "subscribers", "link", "x@tax.example", "--member", "gb-hmrc");
        var after = await Run(settings, "subscribers", "coverage");
        var unknown = await Run(settings, "subscribers", "link", "x@tax.example", "--member", "fr");

        Assert.Contains(before.OutputLines, l => l.StartsWith("GB ") && l.Contains("no-active") && l.EndsWith("gb-hmrc     HM Revenue and Customs"));
        Assert.True(link.ExitCode == 0, link.ToString());
        Assert.Contains("x@tax.example is now linked to HM Revenue and Customs (gb-hmrc).", link.Output);
        Assert.Contains(after.OutputLines, l => l.StartsWith("GB ") && l.Contains(" ok ") && l.EndsWith("gb-hmrc     HM Revenue and Customs"));
        Assert.DoesNotContain(after.OutputLines, l => l.EndsWith("Tax office"));
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("error: no member administration has the key 'fr'; the keys are gb-hmrc.", Assert.Single(unknown.ErrorLines));
    }

    public void Dispose() => _temp.Dispose();
}
